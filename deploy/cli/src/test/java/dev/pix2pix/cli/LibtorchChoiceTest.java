package dev.pix2pix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which libtorch PIX2PIX_LIBTORCH names, and what the user is told when it cannot be used (no GPU needed). */
class LibtorchChoiceTest {
    private static final Set<String> JNI = Set.of("cpu", "cu128");

    private static Optional<LibtorchChoice> select(Path dir, String... moreEnv) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put(LibtorchChoice.ENV, dir.toString());
        for (int i = 0; i < moreEnv.length; i += 2) {
            env.put(moreEnv[i], moreEnv[i + 1]);
        }
        return LibtorchChoice.select(env, "2.7.1", JNI);
    }

    /** The layout of libtorch-cxx11-abi-shared-with-deps-2.7.1+cu128.zip from pytorch.org. */
    private static Path officialZip(Path dir, String buildVersion, boolean cuda) throws IOException {
        Path root = dir.resolve("libtorch");
        Files.createDirectories(root.resolve("lib"));
        Files.writeString(root.resolve("build-version"), buildVersion + "\n");
        Files.createFile(root.resolve("lib/libtorch.so"));
        Files.createFile(root.resolve("lib/libtorch_cpu.so"));
        if (cuda) {
            Files.createFile(root.resolve("lib/libtorch_cuda.so"));
            Files.createFile(root.resolve("lib/libc10_cuda.so"));
        }
        return root;
    }

    @Test
    void unsetMeansTheBundledCpuNatives() {
        assertEquals(Optional.empty(), LibtorchChoice.select(Map.of(), "2.7.1", JNI));
        assertEquals(Optional.empty(), LibtorchChoice.select(Map.of(LibtorchChoice.ENV, " "), "2.7.1", JNI));
    }

    @Test
    void aCudaLibtorchFromPytorchOrg(@TempDir Path dir) throws IOException {
        Path root = officialZip(dir, "2.7.1+cu128", true);
        LibtorchChoice c = select(root).orElseThrow();
        assertEquals(root.resolve("lib"), c.libDir());
        assertEquals("cu128", c.flavor());
        assertEquals(Map.of("PYTORCH_LIBRARY_PATH", root.resolve("lib").toString(), "PYTORCH_VERSION", "2.7.1",
                "PYTORCH_FLAVOR", "cu128"), c.djlProperties());
        assertEquals(c, select(root.resolve("lib")).orElseThrow(), "the lib folder itself works too");
        assertTrue(c.cuda());
    }

    @Test
    void aCpuLibtorchAndDjlsOwnCache(@TempDir Path dir) throws IOException {
        assertEquals("cpu", select(officialZip(dir, "2.7.1+cpu", false)).orElseThrow().flavor());
        Path cache = dir.resolve("2.7.1-20250812-cpu-linux-x86_64");
        Files.createDirectories(cache);
        Files.createFile(cache.resolve("libtorch.so"));
        LibtorchChoice c = select(cache).orElseThrow();
        assertEquals("2.7.1", c.version());
        assertEquals("cpu", c.flavor());
    }

    @Test
    void aPipWheelsTorchFolder(@TempDir Path dir) throws IOException {
        Path torch = dir.resolve("site-packages/torch");
        Files.createDirectories(torch.resolve("lib"));
        Files.writeString(torch.resolve("version.py"), "__version__ = '2.7.1+cu128'\ncuda = '12.8'\n");
        Files.createFile(torch.resolve("lib/libtorch.so"));
        Files.createFile(torch.resolve("lib/libtorch_cuda.so"));
        assertEquals("cu128", select(torch).orElseThrow().flavor());
    }

    @Test
    void aWrongPathSaysSo(@TempDir Path dir) throws IOException {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> select(dir.resolve("nope")));
        assertTrue(none.getMessage().startsWith(LibtorchChoice.ENV + "=" + dir.resolve("nope"))
                && none.getMessage().contains("no such directory"), none.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> select(dir));
        assertTrue(empty.getMessage().contains("no libtorch.so"), empty.getMessage());
    }

    @Test
    void versionsAndFlavoursThisBuildCannotDrive(@TempDir Path dir) throws IOException {
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
                () -> select(officialZip(dir.resolve("a"), "2.5.1+cu124", true)));
        assertTrue(old.getMessage().contains("libtorch 2.5.1") && old.getMessage().contains("drives libtorch 2.7.1 only"),
                old.getMessage());
        IllegalArgumentException flavour = assertThrows(IllegalArgumentException.class,
                () -> select(officialZip(dir.resolve("b"), "2.7.1+cu126", true)));
        assertTrue(flavour.getMessage().contains("cu126") && flavour.getMessage().contains("cu128 build"), flavour.getMessage());
    }

    @Test
    void aCudaBuildThatDoesNotSayWhichCuda(@TempDir Path dir) throws IOException {
        Path lib = dir.resolve("2.7.1-custom");
        Files.createDirectories(lib.resolve("lib"));
        Files.writeString(lib.resolve("build-version"), "2.7.1\n");
        Files.createFile(lib.resolve("lib/libtorch.so"));
        Files.createFile(lib.resolve("lib/libtorch_cuda.so"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> select(lib));
        assertTrue(e.getMessage().contains(LibtorchChoice.FLAVOR_ENV), e.getMessage());
        assertEquals("cu128", select(lib, LibtorchChoice.FLAVOR_ENV, "cu128").orElseThrow().flavor());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> select(officialZip(dir.resolve("c"), "2.7.1+cu128", false)));
        assertTrue(mismatch.getMessage().contains("lacks libtorch_cuda.so"), mismatch.getMessage());
    }

    @Test
    void theDeviceLine(@TempDir Path dir) throws IOException {
        LibtorchChoice cuda = select(officialZip(dir, "2.7.1+cu128", true)).orElseThrow();
        assertEquals("device gpu 0 (libtorch 2.7.1 cu128 from " + cuda.libDir() + ")",
                EngineSetup.line(Device.gpu(), "auto", Optional.of(cuda), 1));
        assertTrue(EngineSetup.line(Device.cpu(), "auto", Optional.of(cuda), 0).contains("no CUDA GPU visible"));
        String bundled = EngineSetup.line(Device.cpu(), "auto", Optional.empty(), 0);
        assertTrue(bundled.startsWith("device cpu (bundled CPU libtorch") && bundled.contains(LibtorchChoice.ENV), bundled);
        assertTrue(EngineSetup.line(Device.cpu(), "cpu", Optional.empty(), 0).contains("--device cpu"));
    }

    @Test
    void theJniOnTheClasspath() {
        assertEquals("2.7.1", EngineSetup.jniVersion());
        assertTrue(EngineSetup.jniFlavors().contains("cpu"), EngineSetup.jniFlavors().toString());
    }
}
