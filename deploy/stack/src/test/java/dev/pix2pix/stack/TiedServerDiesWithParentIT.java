package dev.pix2pix.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started by a test JVM must not outlive it even if that JVM is SIGKILLed (no shutdown
 * hooks): the child's parent watch takes it down.
 */
class TiedServerDiesWithParentIT {

    /** Runs in a separate JVM: starts S3Proxy, prints its pid, waits to be killed. */
    public static void main(String[] args) throws Exception {
        LocalS3 s3 = LocalS3.start(Path.of(args[0]));
        System.out.println("PID " + s3.pid());
        System.out.flush();
        Thread.sleep(120_000);
    }

    @Test
    void serverExitsWhenItsParentIsKilled(@TempDir Path dir) throws Exception {
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TiedServerDiesWithParentIT.class.getName(),
                dir.toString())
                .redirectErrorStream(true).start();
        long serverPid = -1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (line.startsWith("PID ")) {
                    serverPid = Long.parseLong(line.substring(4).trim());
                    break;
                }
            }
            assertTrue(serverPid > 0, "no server pid from the parent JVM:\n" + seen);
            ProcessHandle server = ProcessHandle.of(serverPid).orElseThrow();
            assertTrue(server.isAlive());

            parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hooks

            server.onExit().get(20, TimeUnit.SECONDS);
            assertFalse(server.isAlive());
        } finally {
            parent.destroyForcibly();
            if (serverPid > 0) {
                ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
