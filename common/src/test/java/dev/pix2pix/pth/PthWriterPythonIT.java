package dev.pix2pix.pth;

import static dev.pix2pix.pth.PthTestSupport.assertMatches;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.msg.Json;
import dev.pix2pix.testing.Prerequisite;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our .pth files as Python reads them (a python3 child process): an IT by the project's split. */
class PthWriterPythonIT {
    @TempDir
    Path tmp;

    @Test
    void writtenFileIsReadByPlainPythonAndPassesWeightsOnlyChecks() throws Exception {
        Path tools = PthTestSupport.toolsDir();
        Prerequisite.require(tools != null && PthTestSupport.python3Available(),
                "python3 or tools/pytorch not available");
        StateDict sd = PthWriterTest.sample();
        Path f = tmp.resolve("for_python.pth");
        PthWriter.write(sd, f);
        String out = PthTestSupport.runPython(List.of(tools.resolve("read_pth_plain.py").toString(),
                f.toString(), "--strict"));
        JsonNode json = Json.mapper().readTree(out);
        assertEquals(0, json.get("checks").get("problems").size(), out);
        assertEquals("OrderedDict", json.get("checks").get("type").asText());
        assertMatches(json.get("state_dicts").get(""), sd, "python view of " + f.getFileName());
    }

}
