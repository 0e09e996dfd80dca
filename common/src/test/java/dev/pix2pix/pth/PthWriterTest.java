package dev.pix2pix.pth;

import static dev.pix2pix.pth.PthTestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PthWriterTest {

    @TempDir
    Path tmp;

    static StateDict sample() {
        StateDict sd = new StateDict();
        float[] w = new float[4 * 3 * 4 * 4];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.37) * 0.2f;
        }
        sd.put("model.model.0.weight", TensorData.ofFloats(new long[] {4, 3, 4, 4}, w));
        sd.put("model.model.1.model.2.weight", TensorData.ofFloats(new long[] {4}, new float[] {1, 1.5f, -2, 0.25f}));
        sd.put("model.model.1.model.2.running_var", TensorData.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4}));
        sd.put("model.model.1.model.2.num_batches_tracked", TensorData.ofLongScalar(300));
        sd.put("big.count", TensorData.ofLongs(new long[] {2}, new long[] {-5_000_000_000L, Long.MAX_VALUE}));
        sd.put("half", TensorData.ofFloat16(new long[] {3}, new float[] {0.1f, -65504f, 1e-7f}));
        sd.put("bf16", TensorData.ofBFloat16(new long[] {1, 2}, new float[] {3.140625f, -0.5f}));
        sd.put("f64", TensorData.ofDoubles(new long[] {2}, new double[] {0.1, -1e300}));
        sd.put("i32", TensorData.ofInts(new long[] {2}, new int[] {Integer.MIN_VALUE, 70000}));
        sd.put("u8", TensorData.ofBytes(DType.UINT8, new long[] {3}, new byte[] {0, (byte) 200, (byte) 255}));
        sd.put("flag", TensorData.ofBytes(DType.BOOL, new long[] {2}, new byte[] {1, 0}));
        sd.put("empty", TensorData.ofFloats(new long[] {0, 5}, new float[0]));
        sd.put("scalar", TensorData.ofFloatScalar(-0.75f));
        sd.put("five.dims", TensorData.ofFloats(new long[] {1, 1, 1, 2, 300}, new float[600]));
        return sd;
    }

    @Test
    void roundTripsThroughBytesAndFiles() throws IOException {
        StateDict sd = sample();
        assertEquals(sd, PthReader.read(PthWriter.toBytes(sd)));
        Path f = tmp.resolve("sub/latest_net_G.pth");
        PthWriter.write(sd, f);
        StateDict back = PthReader.read(f);
        assertEquals(sd, back);
        assertEquals(new ArrayList<>(sd.keys()), new ArrayList<>(back.keys()));
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void rewritingAReadFixtureGivesTheSameTensors() throws IOException {
        for (String name : List.of("unet_tiny", "views_dtypes", "proto4")) {
            StateDict sd = PthReader.read(fixture(name + ".pth"));
            assertEquals(sd, PthReader.read(PthWriter.toBytes(sd)), name);
        }
    }

    @Test
    void zipLayoutMatchesTorch() throws IOException {
        byte[] bytes = PthWriter.toBytes(sample());
        Path f = tmp.resolve("x.pth");
        Files.write(f, bytes);
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(f.toFile())) { // a standard zip reader accepts it
            Enumeration<? extends ZipEntry> en = z.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
            }
            assertEquals("little", new String(z.getInputStream(z.getEntry("archive/byteorder")).readAllBytes(),
                    StandardCharsets.US_ASCII));
            assertEquals("3\n", new String(z.getInputStream(z.getEntry("archive/version")).readAllBytes(),
                    StandardCharsets.US_ASCII));
        }
        assertEquals("archive/data.pkl", names.get(0));
        assertTrue(names.contains("archive/data/0") && names.contains("archive/data/13"), names.toString());
        // every record's data starts on a 64-byte boundary
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        int seen = 0;
        while (b.getInt(p) == 0x04034b50) {
            int size = b.getInt(p + 18);
            int data = p + 30 + (b.getShort(p + 26) & 0xffff) + (b.getShort(p + 28) & 0xffff);
            assertEquals(0, data % 64, "record " + seen + " data at " + data);
            assertEquals('F', b.get(p + 30 + (b.getShort(p + 26) & 0xffff)));
            p = data + size + (size > 0 ? 16 : 0); // data descriptor, like torch's miniz
            seen++;
        }
        assertEquals(names.size(), seen);
        // the pickle starts like torch's: PROTO 2, GLOBAL collections OrderedDict
        byte[] pkl = new byte[27];
        b.get(64, pkl);
        assertEquals("\u0080\u0002ccollections\nOrderedDict\n",
                new String(pkl, StandardCharsets.ISO_8859_1).substring(0, 27));
    }

    @Test
    void storageOffsetsFollowTorchsCalculation() throws IOException {
        // torch (config.load.calculate_storage_offsets / TORCH_SERIALIZATION_DEBUG) finds data/k+1
        // without reading headers: previous payload end + 16-byte data descriptor, then a local
        // header whose "FB" extra field pads the data start to 64 bytes
        StateDict sd = sample();
        byte[] bytes = PthWriter.toBytes(sd);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        java.util.Map<String, int[]> real = new java.util.HashMap<>(); // name -> {data offset, size}
        int p = 0;
        while (b.getInt(p) == 0x04034b50) {
            int nameLen = b.getShort(p + 26) & 0xffff;
            String name = new String(bytes, p + 30, nameLen, StandardCharsets.UTF_8);
            int data = p + 30 + nameLen + (b.getShort(p + 28) & 0xffff);
            int size = b.getInt(p + 18);
            real.put(name, new int[] {data, size});
            p = data + size + (size > 0 ? 16 : 0);
        }
        long current = -1;
        for (int k = 0; k < sd.size(); k++) {
            String name = "archive/data/" + k;
            int[] r = real.get(name);
            long predicted;
            if (current < 0) {
                predicted = r[0];
            } else {
                long start = current + 30 + name.length() + 4;
                predicted = start + Math.floorMod(-start, 64L);
            }
            assertEquals(r[0], predicted, name);
            current = predicted + r[1] + (r[1] > 0 ? 16 : 0);
        }
    }

    @Test
    void otherArchiveNameIsHonoured() throws IOException {
        Path f = tmp.resolve("g.pth");
        PthWriter.write(sample(), f, "latest_net_G");
        try (ZipFile z = new ZipFile(f.toFile())) {
            assertTrue(z.getEntry("latest_net_G/data.pkl") != null);
        }
        assertEquals(sample(), PthReader.read(f));
    }

    @Test
    void emptyStateDictRoundTrips() throws IOException {
        assertEquals(0, PthReader.read(PthWriter.toBytes(new StateDict())).size());
    }

    @Test
    void largeTensorsStreamThroughTheFileWriter() throws IOException {
        int n = 3 * 1024 * 1024; // 12 MiB float32
        float[] v = new float[n];
        for (int i = 0; i < n; i += 4097) {
            v[i] = i;
        }
        StateDict sd = new StateDict().put("w", TensorData.ofFloats(new long[] {n}, v));
        Path f = tmp.resolve("big.pth");
        PthWriter.write(sd, f);
        assertArrayEquals(v, PthReader.read(f).require("w").toFloatArray());
    }
}
