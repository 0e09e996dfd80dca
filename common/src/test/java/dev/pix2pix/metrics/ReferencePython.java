package dev.pix2pix.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Locates a Python with numpy and PIL and the reference metrics.py for cross-checks. Override with
 * -Dpix2pix.python=... / PIX2PIX_PYTHON and -Dpix2pix.metricsScript=... (Debian: apt-get install
 * python3-numpy python3-pil). Tests go through Prerequisite when either is missing (skip, or fail under CI=true).
 */
final class ReferencePython {
    private ReferencePython() {}

    static Path script() {
        String p = System.getProperty("pix2pix.metricsScript");
        if (p == null) {
            Path found = dev.pix2pix.testing.TestData.shared("tools/metrics.py");
            return found != null && Files.isRegularFile(found) ? found : null;
        }
        Path path = Path.of(p);
        return Files.isRegularFile(path) ? path : null;
    }

    private static String cached;
    private static boolean probed;

    /** A python executable that can import numpy and PIL, or null. */
    static synchronized String interpreter() {
        if (probed) return cached;
        probed = true;
        List<String> candidates = new ArrayList<>();
        if (System.getProperty("pix2pix.python") != null) candidates.add(System.getProperty("pix2pix.python"));
        if (System.getenv("PIX2PIX_PYTHON") != null) candidates.add(System.getenv("PIX2PIX_PYTHON"));
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String c : candidates) {
            try {
                if (run(List.of(c, "-c", "import numpy, PIL"), 30).exit == 0) {
                    cached = c;
                    return c;
                }
            } catch (IOException e) {
                // not installed under this name: try the next
            }
        }
        return null;
    }

    record Result(int exit, String stdout, String stderr) {}

    static Result run(List<String> cmd, int timeoutSeconds) throws IOException {
        Path out = Files.createTempFile("py", ".out"), err = Files.createTempFile("py", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("timed out: " + cmd);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
