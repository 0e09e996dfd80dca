package dev.pix2pix.pth;

import static dev.pix2pix.pth.PthTestSupport.assertMatches;
import static dev.pix2pix.pth.PthTestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads the fixtures written by tools/pytorch/make_pth_fixture.py and compares every value with
 * its JSON sidecar.
 */
class PthReaderFixtureTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"unet_tiny", "views_dtypes", "checkpoint_wrapped", "proto4"})
    void readsExactlyTheSidecarValues(String name) throws IOException {
        JsonNode sidecar = JSON.readTree(fixture(name + ".json").toFile());
        byte[] bytes = Files.readAllBytes(fixture(name + ".pth"));
        Iterator<Map.Entry<String, JsonNode>> it = sidecar.get("state_dicts").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            StateDict fromPath = key.isEmpty() ? PthReader.read(fixture(name + ".pth"))
                    : PthReader.read(fixture(name + ".pth"), key);
            StateDict fromBytes = key.isEmpty() ? PthReader.read(bytes) : PthReader.read(bytes, key);
            assertMatches(e.getValue(), fromPath, name + "[" + key + "]");
            assertEquals(fromPath, fromBytes);
        }
    }

    @Test
    void unetLikeStateDictKeepsReferenceKeysAndBatchNormBuffers() throws IOException {
        StateDict sd = PthReader.read(fixture("unet_tiny.pth"));
        assertEquals("model.model.0.weight", sd.keys().iterator().next());
        assertArrayEquals(new long[] {4, 3, 4, 4}, sd.require("model.model.0.weight").shape());
        // ConvTranspose2d weight in PyTorch layout [Cin, Cout, kH, kW]
        assertArrayEquals(new long[] {8, 3, 4, 4}, sd.require("model.model.3.weight").shape());
        TensorData nbt = sd.require("model.model.1.model.4.num_batches_tracked");
        assertEquals(DType.INT64, nbt.dtype());
        assertEquals(0, nbt.rank());
        assertArrayEquals(new long[] {1234}, nbt.toLongArray());
        assertEquals(10, sd.size());
    }

    @Test
    void viewsAreMaterialisedHonouringOffsetAndStrides() throws IOException {
        StateDict sd = PthReader.read(fixture("views_dtypes.pth"));
        float[] base = sd.require("base").toFloatArray(); // [3, 5]
        float[] t = sd.require("base_t").toFloatArray();  // [5, 3] = base.t()
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(base[i * 5 + j], t[j * 3 + i]);
            }
        }
        float[] sub = sd.require("sub").toFloatArray(); // base[1:3, 1:4]
        assertEquals(base[6], sub[0]);
        assertEquals(base[13], sub[5]);
        assertArrayEquals(new long[] {0, 1, 2, 0, 1, 2}, sd.require("expanded").toLongArray());
        assertArrayEquals(new long[] {0, 1, 200, 255}, sd.require("u8").toLongArray());
        assertEquals(0, sd.require("empty").numel());
        assertArrayEquals(new long[] {0, 3}, sd.require("empty").shape());
        assertEquals(65504.0f, sd.require("half").toFloatArray()[2]);
        assertEquals(12345678901L, sd.require("big_scalar").toLongArray()[0]);
    }

    @Test
    void checkpointWrappingStateDictsIsReportedAndSelectable() throws IOException {
        PthFormatException e = assertThrows(PthFormatException.class,
                () -> PthReader.read(fixture("checkpoint_wrapped.pth")));
        assertTrue(e.getMessage().contains("'netG'") && e.getMessage().contains("'netD'"), e.getMessage());
        assertTrue(e.getMessage().contains("'epoch'"), e.getMessage());

        StateDict d = PthReader.read(fixture("checkpoint_wrapped.pth"), "netD"); // nn.Parameter values
        assertArrayEquals(new float[] {0.25f, 0.75f}, d.require("model.0.weight").toFloatArray());

        PthFormatException missing = assertThrows(PthFormatException.class,
                () -> PthReader.read(fixture("checkpoint_wrapped.pth"), "optimizer"));
        assertTrue(missing.getMessage().contains("no key 'optimizer'"), missing.getMessage());

        Map<?, ?> top = (Map<?, ?>) PthReader.readObject(fixture("checkpoint_wrapped.pth"));
        assertEquals(7L, top.get("epoch"));
        assertEquals(0.0002, top.get("lr"));
        assertEquals("facades", top.get("name"));
        List<?> flags = (List<?>) top.get("flags");
        assertEquals(Boolean.TRUE, flags.get(0));
        assertNull(flags.get(1));
        assertEquals(List.of(2L, 3L), top.get("shape"));
    }

    @Test
    void deflatedRepackedArchiveIsReadToo() throws IOException {
        // e.g. someone unzipped and re-zipped the file with a standard tool
        // (ZipFile, not ZipInputStream: like torch's files, ours have stored entries followed by
        // data descriptors, which ZipInputStream refuses)
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zf = new ZipFile(fixture("unet_tiny.pth").toFile())) {
            for (ZipEntry e : java.util.Collections.list(zf.entries())) {
                entries.put(e.getName(), zf.getInputStream(e).readAllBytes());
            }
        }
        byte[] deflated = PthTestSupport.zip(entries, true);
        assertEquals(PthReader.read(fixture("unet_tiny.pth")), PthReader.read(deflated));
    }
}
