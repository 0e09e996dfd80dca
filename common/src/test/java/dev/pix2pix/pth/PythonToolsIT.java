package dev.pix2pix.pth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import dev.pix2pix.testing.Prerequisite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the tools/pytorch scripts that work without torch (skipped where python3 is missing). */
class PythonToolsIT {

    static Path tools;

    @BeforeAll
    static void needPython() {
        tools = PthTestSupport.toolsDir();
        Prerequisite.require(tools != null && PthTestSupport.python3Available(),
                "python3 or tools/pytorch not available");
    }

    @Test
    void regeneratedFixturesMatchTheCommittedOnes(@TempDir Path tmp) throws Exception {
        String out = PthTestSupport.runPython(List.of(tools.resolve("make_pth_fixture.py").toString(),
                tmp.toString(), "--emulate"));
        assertTrue(out.contains("emulated torch.save"), out);
        ObjectMapper json = new ObjectMapper();
        for (String name : List.of("unet_tiny", "views_dtypes", "checkpoint_wrapped", "proto4")) {
            assertEquals(json.readTree(PthTestSupport.fixture(name + ".json").toFile()).get("state_dicts"),
                    json.readTree(tmp.resolve(name + ".json").toFile()).get("state_dicts"), name);
            Object committed = PthReader.readObject(PthTestSupport.fixture(name + ".pth"));
            Object fresh = PthReader.readObject(tmp.resolve(name + ".pth"));
            assertEquals(committed, fresh, name);
        }
    }

    @Test
    void emulatedFixturesHaveTorchsLayout() throws Exception {
        // proto4.pth is deliberately protocol 4, which torch's weights_only unpickler refuses
        for (String name : List.of("unet_tiny", "views_dtypes", "checkpoint_wrapped")) {
            String out = PthTestSupport.runPython(List.of(tools.resolve("read_pth_plain.py").toString(),
                    PthTestSupport.fixture(name + ".pth").toString(), "--strict"));
            assertTrue(out.contains("\"problems\": []"), name + ": " + out);
        }
    }

    @Test
    void referenceModelsHaveTheReferenceKeysAndParameterCounts() throws Exception {
        String out = PthTestSupport.runPython(List.of(tools.resolve("selftest_no_torch.py").toString()));
        assertTrue(out.contains("selftest ok"), out);
    }
}
