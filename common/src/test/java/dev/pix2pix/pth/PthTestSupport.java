package dev.pix2pix.pth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Helpers shared by the pth tests: fixture paths, zip crafting, JSON expectations. */
final class PthTestSupport {

    private PthTestSupport() {
    }

    static Path fixture(String name) {
        try {
            return Paths.get(PthTestSupport.class.getResource("/pth/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource pth/" + name, e);
        }
    }

    /** The repository's tools/pytorch folder, found by walking up from the working directory. */
    static Path toolsDir() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null) {
            Path t = p.resolve("tools").resolve("pytorch");
            if (Files.isDirectory(t)) {
                return t;
            }
            p = p.getParent();
        }
        return null;
    }

    static boolean python3Available() {
        try {
            Process pr = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            pr.getInputStream().readAllBytes();
            return pr.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs python3 with the arguments; returns stdout, failing with stderr on a non-zero exit. */
    static String runPython(List<String> args) throws IOException, InterruptedException {
        return runPython("python3", args);
    }

    /** Runs the given python interpreter with the arguments, as {@link #runPython(List)}. */
    static String runPython(String python, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(python);
        cmd.addAll(args);
        Process pr = new ProcessBuilder(cmd).start();
        byte[][] err = new byte[1][];
        Thread t = new Thread(() -> {
            try {
                err[0] = pr.getErrorStream().readAllBytes();
            } catch (IOException e) {
                err[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        t.start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = pr.waitFor();
        t.join();
        if (rc != 0) {
            throw new AssertionError(python + " " + args + " exited " + rc + ":\n"
                    + new String(err[0], StandardCharsets.UTF_8) + out);
        }
        return out;
    }

    /** A zip of the given entries (in order), stored or deflated, written by java.util.zip. */
    static byte[] zip(Map<String, byte[]> entries, boolean deflate) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(e.getValue().length);
                    ze.setCompressedSize(e.getValue().length);
                    ze.setCrc(crc.getValue());
                }
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A minimal torch-like archive around a hand-made pickle and storages. */
    static byte[] archive(byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("archive/data.pkl", pickle);
        e.put("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        storages.forEach((k, v) -> e.put("archive/data/" + k, v));
        e.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return zip(e, false);
    }

    /** Pickle bytes from a string whose chars are bytes 0..255. */
    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Asserts that {@code sd} holds exactly the tensors of a sidecar's state dict, in order. */
    static void assertMatches(JsonNode expected, StateDict sd, String where) {
        List<String> keys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(keys::add);
        assertEquals(keys, new ArrayList<>(sd.keys()), where + ": keys/order");
        Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = where + " " + e.getKey();
            TensorData t = sd.require(e.getKey());
            JsonNode x = e.getValue();
            assertEquals(x.get("dtype").asText(), t.dtype().name(), name + ": dtype");
            long[] shape = new long[x.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = x.get("shape").get(i).asLong();
            }
            assertArrayEquals(shape, t.shape(), name + ": shape");
            JsonNode v = x.get("values");
            assertEquals(v.size(), t.numel(), name + ": numel");
            if (t.dtype() == DType.FLOAT64) {
                double[] d = t.toDoubleArray();
                for (int i = 0; i < d.length; i++) {
                    assertEquals(v.get(i).asDouble(), d[i], 0.0, name + "[" + i + "]");
                }
            } else if (t.dtype().isFloatingPoint()) {
                float[] f = t.toFloatArray();
                for (int i = 0; i < f.length; i++) {
                    assertEquals((float) v.get(i).asDouble(), f[i], 0.0f, name + "[" + i + "]");
                }
            } else {
                long[] l = t.toLongArray();
                for (int i = 0; i < l.length; i++) {
                    assertEquals(v.get(i).asLong(), l[i], name + "[" + i + "]");
                }
            }
        }
    }
}
