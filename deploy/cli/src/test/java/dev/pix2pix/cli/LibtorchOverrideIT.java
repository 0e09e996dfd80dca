package dev.pix2pix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/bin/pix2pix} with {@code PIX2PIX_LIBTORCH} on a machine without a GPU: pointed at a real
 * libtorch (the CPU one DJL extracted into its cache) the engine loads it through DJL's override path and
 * the command says so in one line; pointed at a wrong path it stops at once with a message naming it.
 */
class LibtorchOverrideIT {
    private static final Path HOME = Path.of("../..").toAbsolutePath().normalize();

    record Run(int code, String err) {}

    private static Run pix2pix(String libtorch, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(HOME.resolve("deploy/bin/pix2pix").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile()).redirectErrorStream(true);
        pb.environment().put(LibtorchChoice.ENV, libtorch);
        pb.environment().remove(LibtorchChoice.FLAVOR_ENV);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "pix2pix " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), out);
    }

    /** The folder holding the libtorch.so this JVM's engine loaded (DJL's cache). */
    private static Path loadedLibtorch() throws Exception {
        Engine.getEngine("PyTorch"); // extracts the bundled CPU natives if they are not there yet
        try (Stream<Path> dirs = Files.list(Utils.getEngineCacheDir("pytorch"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("libtorch.so")) && d.getFileName().toString().contains("-cpu-"))
                    .findFirst().orElseThrow(() -> new AssertionError("no extracted CPU libtorch in DJL's cache"));
        }
    }

    @Test
    void anExistingLibtorchIsLoadedAndNamed() throws Exception {
        Path lib = loadedLibtorch();
        Run r = pix2pix(lib.toString(), "bench", "--what", "infer", "--netG", "unet_64", "--ngf", "8", "--size", "64",
                "--iters", "1", "--warmup", "0", "--device", "auto");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("pix2pix: device cpu (libtorch 2.7.1 cpu from " + lib + ")"), r.err());
    }

    @Test
    void aWrongPathStopsWithItsName() throws Exception {
        Run r = pix2pix("/nonexistent/libtorch", "bench", "--what", "infer", "--netG", "unet_64", "--size", "64",
                "--iters", "1", "--warmup", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("PIX2PIX_LIBTORCH=/nonexistent/libtorch: no such directory"), r.err());
    }
}
