package dev.pix2pix.worker.train;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.TrainJob;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A worker configured only through environment variables (as in a container), with a wrong S3
 * secret: it still consumes its (renamed) topics, reports S3 as not ready, and fails jobs with a
 * reason that names the credentials problem.
 */
class ConfigFromEnvironmentIT {

    @Test
    void environmentConfiguresTheWorkerAndWrongCredentialsFailJobsByName() throws Exception {
        try (ItEnv env = new ItEnv("envcfg")) {
            String dataset = env.uploadScenes("scenes2", 2);
            Map<String, String> vars = new HashMap<>();
            vars.put("KAFKA_BOOTSTRAP_SERVERS", env.kafka.bootstrapServers());
            vars.put("PIX2PIX_S3_ENDPOINT", env.s3.endpoint());
            vars.put("PIX2PIX_S3_ACCESS_KEY", env.s3.accessKey());
            vars.put("PIX2PIX_S3_SECRET_KEY", "not-the-secret");
            vars.put("PIX2PIX_S3_ALLOWED_BUCKETS", env.bucket);
            vars.put("PIX2PIX_DEVICE", "cpu");
            vars.put("PIX2PIX_WORK_DIR", env.dir.resolve("work").toString());
            vars.put("PIX2PIX_TOPICS_TRAIN_JOBS", env.trainTopic);
            vars.put("PIX2PIX_TOPICS_EVENTS", env.eventsTopic);
            vars.put("PIX2PIX_TOPICS_CONTROL", env.controlTopic);
            vars.put("PIX2PIX_TOPICS_DLQ", env.dlqTopic);
            vars.put("MP_MESSAGING_INCOMING_TRAIN_JOBS_GROUP_ID", env.name + "-worker-train");
            try (WorkerProcess w = WorkerProcess.start(Map.of(), vars, ItEnv.logFile("envcfg-worker"))) {
                String id = "it-wrong-secret";
                env.send(TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, "s3://" + env.bucket + "/models/" + id + "/",
                        ItEnv.tinyOptions(1, 1)));
                JobEvent end = env.events.awaitTerminal(id, Duration.ofMinutes(3));
                assertEquals(EventType.FAILED, end.type(), () -> end + "\n" + w.tail());
                assertTrue(end.reason().contains("access key") && end.reason().contains(env.bucket), end.reason());

                HttpResponse<String> ready = w.get("/q/health/ready");
                assertEquals(503, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("\"s3\"") && ready.body().contains("DOWN"), ready.body());
                HttpResponse<String> live = w.get("/q/health/live");
                assertEquals(200, live.statusCode(), live.body());
            }
        }
    }

    /** Fail-closed: a worker not told which buckets it may touch refuses to start, naming the setting. */
    @Test
    void noBucketAllowListRefusesToStart() throws Exception {
        try (ItEnv env = new ItEnv("noallow")) {
            Map<String, String> props = new HashMap<>(env.workerProps(env.dir.resolve("work")));
            props.remove("pix2pix.s3.allowed-buckets");
            // a worker's log is appended to across starts: this test reads only this start's lines
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of("target", "worker-logs", "noallow-worker.log"));
            try (WorkerProcess w = WorkerProcess.start("noallow-worker", props, java.util.List.of(), false)) {
                int code = w.awaitExit(Duration.ofMinutes(2));
                assertTrue(code > 0, () -> "exit " + code + " (-1: still running)" + "\n" + w.tail());
                String log = w.logText();
                assertTrue(log.contains("pix2pix.s3.allowed-buckets (PIX2PIX_S3_ALLOWED_BUCKETS) is not set"), w::tail);
                // refused before the messaging channels start: no consumer joined the train topic's group
                assertFalse(log.contains("SRMSG18257"), w::tail);
            }
        }
    }
}
