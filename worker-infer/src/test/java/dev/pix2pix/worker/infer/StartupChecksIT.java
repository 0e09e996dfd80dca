package dev.pix2pix.worker.infer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.worker.testing.WorkerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fail-closed, as worker-train: a worker-infer not told which buckets it may touch refuses to start and
 * names the setting, before it consumes anything (worker-support's StoreSettings check, run by both).
 */
class StartupChecksIT {
    @Test
    void noBucketAllowListRefusesToStart() throws Exception {
        try (ItEnv env = new ItEnv("noallow")) {
            Map<String, String> props = env.workerProps();
            props.remove("pix2pix.s3.allowed-buckets");
            String name = "noallow-" + env.name;
            // a worker's log is appended to across starts: this test reads only this start's lines
            Files.deleteIfExists(Path.of("target", "worker-logs", name + ".log"));
            try (WorkerProcess w = WorkerProcess.start(name, props, List.of(), false)) {
                int code = w.awaitExit(Duration.ofMinutes(2));
                assertTrue(code > 0, () -> "exit " + code + " (-1: still running)\n" + w.tail());
                String log = w.logText();
                assertTrue(log.contains("pix2pix.s3.allowed-buckets (PIX2PIX_S3_ALLOWED_BUCKETS) is not set"), w::tail);
                // refused before the messaging channels start: no consumer subscribed to the jobs topic
                assertFalse(log.contains("SRMSG18257"), w::tail);
            }
        }
    }
}
