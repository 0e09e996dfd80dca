package dev.pix2pix.pth;

import static dev.pix2pix.pth.PthTestSupport.archive;
import static dev.pix2pix.pth.PthTestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Untrusted or broken input must fail with a clear PthFormatException, never run anything. */
class PthReaderRejectsTest {

    @TempDir
    Path tmp;

    /** OrderedDict {'w': tensor} over storage '0' of 4 floats with the given view. */
    static String tensorPickle(int offset, int size) {
        return "\u0080\u0002ccollections\nOrderedDict\n)R(X\u0001\u0000\u0000\u0000w"
                + "ctorch._utils\n_rebuild_tensor_v2\n"
                + "((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000"
                + "X\u0003\u0000\u0000\u0000cpuK\u0004tQ"
                + "K" + (char) offset + "K" + (char) size + "\u0085K\u0001\u0085\u0089"
                + "ccollections\nOrderedDict\n)RtRu.";
    }

    static byte[] fourFloats() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        return b.array();
    }

    static byte[] withStorage(String pickle) throws IOException {
        return archive(bytes(pickle), Map.of("0", fourFloats()));
    }

    @Test
    void handMadeTensorPickleIsFine() throws IOException {
        StateDict sd = PthReader.read(withStorage(tensorPickle(1, 3)));
        assertArrayEquals(new float[] {2, 3, 4}, sd.require("w").toFloatArray());
    }

    static Stream<Arguments> maliciousPickles() {
        return Stream.of(
                Arguments.of("os.system", "\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000id\u0085R."),
                Arguments.of("builtins.eval", "\u0080\u0002cbuiltins\neval\nX\u0001\u0000\u0000\u00001\u0085R."),
                Arguments.of("builtins.getattr", "\u0080\u0002c__builtin__\ngetattr\n."),
                Arguments.of("subprocess.Popen", "\u0080\u0002csubprocess\nPopen\n."),
                Arguments.of("posix.system", "\u0080\u0004\u008c\u0005posix\u008c\u0006system\u0093."),
                Arguments.of("_load_from_bytes", "\u0080\u0002ctorch.storage\n_load_from_bytes\n."),
                Arguments.of("torch.jit.save", "\u0080\u0002c__torch__.models\nNet\n."),
                Arguments.of("state_dict()", "\u0080\u0002cmodels.networks\nUnetGenerator\n."),
                Arguments.of("INST", "\u0080\u0002(X\u0002\u0000\u0000\u0000idios\nsystem\n."),
                Arguments.of("persistent id", "\u0080\u0002X\u0004\u0000\u0000\u0000evil\u0085Q."),
                Arguments.of("REDUCE on a str", "\u0080\u0002X\u0001\u0000\u0000\u0000a)R."),
                Arguments.of("NEWOBJ", "\u0080\u0002ctorch._utils\n_rebuild_tensor_v2\n)\u0081."),
                Arguments.of("EXT", "\u0080\u0002\u0082\u0001."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousPickles")
    void maliciousPicklesAreRefusedNamingWhat(String expected, String pickle) throws IOException {
        byte[] file = withStorage(pickle);
        UnsafePickleException e = assertThrows(UnsafePickleException.class, () -> PthReader.read(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        Path f = tmp.resolve("evil.pth");
        Files.write(f, file);
        UnsafePickleException viaPath = assertThrows(UnsafePickleException.class, () -> PthReader.read(f));
        assertTrue(viaPath.getMessage().startsWith(f.toString()), viaPath.getMessage());
    }

    @Test
    void viewPastTheStorageEndIsRefused() throws IOException {
        PthFormatException e = assertThrows(PthFormatException.class,
                () -> PthReader.read(withStorage(tensorPickle(2, 4))));
        assertTrue(e.getMessage().contains("past the end of storage data/0"), e.getMessage());
    }

    @Test
    void storageShorterThanDeclaredIsRefused() throws IOException {
        byte[] file = archive(bytes(tensorPickle(0, 3)), Map.of("0", Arrays.copyOf(fourFloats(), 12)));
        PthFormatException e = assertThrows(PthFormatException.class, () -> PthReader.read(file));
        assertTrue(e.getMessage().contains("declares 4 elements"), e.getMessage());
    }

    @Test
    void missingDataEntryIsRefused() throws IOException {
        byte[] file = archive(bytes(tensorPickle(0, 4)), Map.of());
        PthFormatException e = assertThrows(PthFormatException.class, () -> PthReader.read(file));
        assertTrue(e.getMessage().contains("archive/data/0"), e.getMessage());
    }

    @Test
    void truncatedZipIsRefused() throws IOException {
        byte[] good = PthWriter.toBytes(PthWriterTest.sample());
        for (int cut : new int[] {good.length / 2, good.length - 1, good.length - 22, 100, 4}) {
            byte[] bad = Arrays.copyOf(good, cut);
            PthFormatException e = assertThrows(PthFormatException.class, () -> PthReader.read(bad), "cut " + cut);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void corruptedStorageFailsTheCrcCheck() throws IOException {
        byte[] file = PthWriter.toBytes(PthWriterTest.sample());
        // flip one byte inside data/0 (the first record after data.pkl & small records, 64-aligned)
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        while (true) {
            int nameLen = b.getShort(p + 26) & 0xffff;
            String name = new String(file, p + 30, nameLen, java.nio.charset.StandardCharsets.UTF_8);
            int data = p + 30 + nameLen + (b.getShort(p + 28) & 0xffff);
            if (name.equals("archive/data/0")) {
                file[data + 5] ^= 0x40;
                break;
            }
            int size = b.getInt(p + 18);
            p = data + size + (size > 0 ? 16 : 0); // skip the data descriptor
        }
        PthFormatException e = assertThrows(PthFormatException.class, () -> PthReader.read(file));
        assertTrue(e.getMessage().contains("CRC-32 mismatch in zip entry 'archive/data/0'"), e.getMessage());
    }

    @Test
    void legacyNonZipFormatIsRefusedWithAdvice() {
        // the legacy format starts with the pickled magic number 0x1950a86a20f9469cfc6c
        byte[] legacy = bytes("\u0080\u0002\u008a\nl\u00fc\u009cF\u00f9 j\u00a8P\u0019.\u0080\u0002M\u00e9\u0003.");
        PthFormatException e = assertThrows(PthFormatException.class, () -> PthReader.read(legacy));
        assertTrue(e.getMessage().contains("re-save with torch>=1.6"), e.getMessage());

        byte[] tar = new byte[1024];
        System.arraycopy(bytes("ustar"), 0, tar, 257, 5);
        PthFormatException t = assertThrows(PthFormatException.class, () -> PthReader.read(tar));
        assertTrue(t.getMessage().contains("legacy"), t.getMessage());
    }

    @Test
    void otherFilesAreRefusedClearly() throws IOException {
        PthFormatException empty = assertThrows(PthFormatException.class, () -> PthReader.read(new byte[0]));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());

        byte[] png = bytes("\u0089PNG\r\n\u001a\n0000000000000000000000000000000");
        PthFormatException notZip = assertThrows(PthFormatException.class, () -> PthReader.read(png));
        assertTrue(notZip.getMessage().contains("not a torch.save zip"), notZip.getMessage());

        Map<String, byte[]> flat = new LinkedHashMap<>();
        flat.put("data.pkl", bytes("\u0080\u0002}."));
        PthFormatException noFolder = assertThrows(PthFormatException.class,
                () -> PthReader.read(PthTestSupport.zip(flat, false)));
        assertTrue(noFolder.getMessage().contains("not inside an archive folder"), noFolder.getMessage());

        Map<String, byte[]> script = new LinkedHashMap<>();
        script.put("model/data.pkl", bytes("\u0080\u0002}."));
        script.put("model/constants.pkl", bytes("\u0080\u0002)."));
        script.put("model/version", bytes("3"));
        PthFormatException ts = assertThrows(PthFormatException.class,
                () -> PthReader.read(PthTestSupport.zip(script, false)));
        assertTrue(ts.getMessage().contains("TorchScript"), ts.getMessage());

        Map<String, byte[]> other = new LinkedHashMap<>();
        other.put("docs/readme.txt", bytes("hello"));
        PthFormatException noPkl = assertThrows(PthFormatException.class,
                () -> PthReader.read(PthTestSupport.zip(other, false)));
        assertTrue(noPkl.getMessage().contains("docs/data.pkl"), noPkl.getMessage());

        PthFormatException list = assertThrows(PthFormatException.class,
                () -> PthReader.read(archive(bytes("\u0080\u0002]."), Map.of())));
        assertTrue(list.getMessage().contains("holds a list"), list.getMessage());
    }

    @Test
    void bigEndianArchivesAreSwapped() throws IOException {
        ByteBuffer be = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        be.putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("archive/data.pkl", bytes(tensorPickle(0, 4)));
        e.put("archive/byteorder", bytes("big"));
        e.put("archive/data/0", be.array());
        StateDict sd = PthReader.read(PthTestSupport.zip(e, false));
        assertArrayEquals(new float[] {1, 2, 3, 4}, sd.require("w").toFloatArray());
    }

    @Test
    void truncatedOrMangledPicklesOnlyEverGivePthFormatException() throws IOException {
        byte[] pkl = bytes(tensorPickle(0, 4));
        for (int cut = 0; cut < pkl.length; cut++) {
            byte[] file = archive(Arrays.copyOf(pkl, cut), Map.of("0", fourFloats()));
            assertThrows(PthFormatException.class, () -> PthReader.read(file), "cut at " + cut);
        }
        Random r = new Random(42);
        for (int i = 0; i < 3000; i++) {
            byte[] m = pkl.clone();
            for (int k = 0; k < 1 + r.nextInt(3); k++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            byte[] file = archive(m, Map.of("0", fourFloats()));
            try {
                PthReader.read(file);
            } catch (PthFormatException expected) {
                // fine: refused with a message
            } catch (RuntimeException ex) {
                throw new AssertionError("mutation " + i + " escaped as " + ex, ex);
            }
        }
    }

    @Test
    void mangledArchivesOnlyEverGivePthFormatException() {
        StateDict small = new StateDict().put("w", TensorData.ofFloats(new long[] {2}, new float[] {1, 2}))
                .put("n", TensorData.ofLongScalar(3));
        byte[] good = PthWriter.toBytes(small);
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] m = good.clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            try {
                PthReader.read(m);
            } catch (PthFormatException expected) {
                // fine
            } catch (RuntimeException ex) {
                throw new AssertionError("mutation " + i + " escaped as " + ex, ex);
            }
        }
    }

    @Test
    void strideZeroExpansionBombIsRefused() throws IOException {
        // one float expanded to 2^27 elements (512 MiB) by a stride-0 view
        String bomb = "\u0080\u0002ccollections\nOrderedDict\n)R(X\u0001\u0000\u0000\u0000w"
                + "ctorch._utils\n_rebuild_tensor_v2\n"
                + "((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000"
                + "X\u0003\u0000\u0000\u0000cpuK\u0001tQK\u0000J\u0000\u0000\u0000\u0008\u0085K\u0000\u0085\u0089"
                + "ccollections\nOrderedDict\n)RtRu.";
        PthFormatException e = assertThrows(PthFormatException.class, () -> PthReader.read(withStorage(bomb)));
        assertTrue(e.getMessage().contains("stride 0"), e.getMessage());
    }

    @Test
    void sharedStorageIsReadOnceAndViewsAgree() throws IOException {
        String two = "\u0080\u0002ccollections\nOrderedDict\n)R(X\u0001\u0000\u0000\u0000a"
                + "ctorch._utils\n_rebuild_tensor_v2\n"
                + "((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\nX\u0001\u0000\u0000\u00000"
                + "X\u0006\u0000\u0000\u0000cuda:0K\u0004tq\u0001QK\u0000K\u0002K\u0002\u0086K\u0002K\u0001\u0086\u0089"
                + "ccollections\nOrderedDict\n)RtRX\u0001\u0000\u0000\u0000b"
                + "ctorch._utils\n_rebuild_tensor_v2\n"
                + "(h\u0001QK\u0000K\u0002K\u0002\u0086K\u0001K\u0002\u0086\u0089"
                + "ccollections\nOrderedDict\n)RtRu.";
        StateDict sd = PthReader.read(withStorage(two));
        assertArrayEquals(new float[] {1, 2, 3, 4}, sd.require("a").toFloatArray());
        assertArrayEquals(new float[] {1, 3, 2, 4}, sd.require("b").toFloatArray()); // a.t()
        assertEquals(2, sd.size());
    }

    /** A few hundred KB that would inflate to 80 MB: refused before the memory is taken. */
    @Test
    void aSmallFileCannotInflateToGigabytes() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            zip.setLevel(9);
            zip.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 80; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        byte[] file = out.toByteArray();
        assertTrue(file.length < 1 << 20, "compressed to " + file.length);
        PthFormatException e = assertThrows(PthFormatException.class, () -> PthReader.read(file));
        assertTrue(e.getMessage().contains("would inflate to 83886080 bytes"), e.getMessage());
    }
}
