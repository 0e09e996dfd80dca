package dev.pix2pix.worker.train;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.worker.DeadLetters;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One packaged worker (child JVM) against the real Kafka broker and S3Proxy, fed jobs through
 * Kafka; everything is checked from the outside (events topic, dead-letter topic, S3, HTTP).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainWorkerIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    private static final int PAIRS = 4;
    private static ItEnv env;
    private static WorkerProcess worker;
    private static String dataset;

    @BeforeAll
    static void start() throws Exception {
        env = new ItEnv("wt");
        dataset = env.uploadScenes("scenes4", PAIRS);
        try {
            worker = WorkerProcess.start(env.workerProps(env.dir.resolve("work")), ItEnv.logFile("wt-worker"));
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (worker != null) {
                worker.close();
            }
        } finally {
            env.close();
        }
    }

    private static String output(String jobId) {
        return "s3://" + env.bucket + "/models/" + jobId + "/";
    }

    private static S3Uri out(String jobId, String name) {
        return S3Uri.parse(output(jobId)).child(name);
    }

    @Test
    @Order(1)
    void trainsAJobAndPublishesTheModelWithEvents() throws Exception {
        String id = "it-train-1";
        env.send(TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, output(id), ItEnv.tinyOptions(2, 1)));
        JobEvent end = env.events.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals(EventType.COMPLETED, end.type(), () -> end + "\n" + worker.tail());

        List<JobEvent> events = env.events.events(id);
        assertEquals(EventType.ACCEPTED, events.get(0).type(), events::toString);
        assertEquals(EventType.COMPLETED, events.get(events.size() - 1).type());
        assertEquals(1, events.stream().filter(e -> e.type().terminal()).count());

        List<JobEvent> progress = env.events.events(id, EventType.PROGRESS);
        assertFalse(progress.isEmpty(), "progress events");
        JobEvent lastTraining = progress.stream().filter(p -> p.epoch() != null).reduce((a, b) -> b).orElseThrow();
        assertEquals(2L * PAIRS, lastTraining.total(), "iterations of 2 epochs of 4 pairs, batch 1");
        assertTrue(lastTraining.done() >= 1 && lastTraining.done() <= lastTraining.total());

        List<JobEvent> epochs = env.events.events(id, EventType.EPOCH);
        assertEquals(List.of(1, 2), epochs.stream().map(JobEvent::epoch).toList());
        for (JobEvent e : epochs) {
            assertTrue(e.losses().keySet().containsAll(Set.of("G_GAN", "G_L1", "D_real", "D_fake")), e::toString);
            assertTrue(e.losses().values().stream().allMatch(v -> Double.isFinite(v) && v >= 0), e::toString);
            assertTrue(e.seconds() > 0);
            assertEquals(1, e.samples().size());
            S3Uri sample = S3Uri.parse(e.samples().get(0));
            assertEquals(out(id, String.format("samples/epoch_%03d.png", e.epoch())), sample);
            BufferedImage strip = ImageIO.read(new ByteArrayInputStream(env.store.get(sample)));
            assertEquals(3 * 64, strip.getWidth(), "input | output | truth");
            assertEquals(3 * 64, strip.getHeight(), "3 training pairs");
        }
        List<JobEvent> checkpoints = env.events.events(id, EventType.CHECKPOINT);
        assertEquals(List.of(1, 2), checkpoints.stream().map(JobEvent::epoch).toList());
        for (JobEvent c : checkpoints) {
            assertTrue(c.checkpoint().startsWith(output(id) + "checkpoints/it_"), c::toString);
        }

        // the model folder in S3
        for (String name : List.of("generator.params", "model.json", "loss_log.jsonl", "metrics.json", "_SUCCESS.json")) {
            assertTrue(env.store.exists(out(id, name)), name);
            assertTrue(end.outputs().contains(out(id, name).toString()) || name.startsWith("_"), name);
        }
        JsonNode info = Json.mapper().readTree(env.store.get(out(id, "model.json")));
        assertEquals("unet_64", info.path("spec").path("netG").asText());
        assertEquals(8, info.path("spec").path("ngf").asInt());
        String lossLog = new String(env.store.get(out(id, "loss_log.jsonl")), StandardCharsets.UTF_8);
        assertEquals(2, lossLog.lines().filter(l -> !l.isBlank()).count(), lossLog);
        assertEquals(2L * PAIRS, end.counts().get("iterations"));
        assertEquals((long) PAIRS, end.counts().get("images"));
        assertEquals((long) PAIRS, end.counts().get("datasetDownloaded"));
        assertTrue(end.losses().containsKey("G_L1"));

        // S3 keeps the newest 2 checkpoints, each complete
        Set<String> cps = env.store.list(S3Uri.parse(output(id) + "checkpoints/")).stream()
                .map(o -> o.uri().relativeTo(S3Uri.parse(output(id) + "checkpoints/")).split("/")[0])
                .collect(Collectors.toSet());
        assertEquals(2, cps.size(), cps::toString);
        for (String cp : cps) {
            assertTrue(env.store.exists(out(id, "checkpoints/" + cp + "/state.json")), cp);
            assertTrue(env.store.exists(out(id, "checkpoints/" + cp + "/G.params")), cp);
        }

        // health and metrics
        var health = worker.get("/q/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"s3\"") && health.body().contains("\"engine\""), health.body());
        String metrics = worker.get("/q/metrics").body();
        assertTrue(metrics.contains("pix2pix_train_jobs_total{outcome=\"completed\"} 1.0"), metrics);
        assertTrue(metrics.contains("pix2pix_train_iteration_seconds_count"), metrics);
        assertTrue(worker.logText().contains(id), "MDC job id in the log");
    }

    @Test
    @Order(2)
    void aCompletedJobDeliveredAgainIsNotRetrained() throws Exception {
        String id = "it-train-1";
        ObjectInfo weights = env.store.stat(out(id, "generator.params")).orElseThrow();
        ObjectInfo marker = env.store.stat(out(id, "_SUCCESS.json")).orElseThrow();
        int epochEvents = env.events.events(id, EventType.EPOCH).size();

        env.send(TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, output(id), ItEnv.tinyOptions(2, 1)));
        env.barrier("barrier-after-completed");

        // a job ends once: the duplicate publishes nothing, not even a second completed event
        assertEquals(1, env.events.events(id, EventType.COMPLETED).size());
        assertEquals(1, env.events.events(id, EventType.ACCEPTED).size(), "not accepted for training again");
        assertEquals(epochEvents, env.events.events(id, EventType.EPOCH).size());
        assertEquals(weights.etag(), env.store.stat(out(id, "generator.params")).orElseThrow().etag());
        assertEquals(marker.etag(), env.store.stat(out(id, "_SUCCESS.json")).orElseThrow().etag());
    }

    @Test
    @Order(3)
    void poisonMessagesGoToTheDeadLetterTopicAndTheNextJobStillRuns() throws Exception {
        env.sendTo(env.trainTopic, "poison-1", "{this is not json");
        String badSchema = "{\"schemaVersion\":\"1.0\",\"jobId\":\"it-bad-schema\",\"layout\":\"aligned\"}";
        env.sendTo(env.trainTopic, "it-bad-schema", badSchema);
        String id = "it-after-poison";
        env.send(TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, output(id), ItEnv.tinyOptions(1, 1)));

        ConsumerRecord<String, String> notJson = env.dlq.awaitRecord(r -> "poison-1".equals(r.key()),
                JOB_TIMEOUT).orElseThrow(() -> new AssertionError("no dead letter\n" + worker.tail()));
        assertEquals("{this is not json", notJson.value());
        assertTrue(header(notJson, DeadLetters.ERROR).contains("not valid JSON"), header(notJson, DeadLetters.ERROR));
        assertEquals(env.trainTopic, header(notJson, DeadLetters.SOURCE_TOPIC));
        assertNotNull(header(notJson, DeadLetters.SOURCE_OFFSET));

        ConsumerRecord<String, String> invalid = env.dlq.awaitRecord(r -> "it-bad-schema".equals(r.key()),
                JOB_TIMEOUT).orElseThrow();
        assertEquals(badSchema, invalid.value());
        assertTrue(header(invalid, DeadLetters.ERROR).contains("dataset"), header(invalid, DeadLetters.ERROR));
        JobEvent failed = env.events.awaitTerminal("it-bad-schema", JOB_TIMEOUT);
        assertEquals(EventType.FAILED, failed.type());
        assertTrue(failed.reason().contains("dataset") && failed.reason().contains("output"), failed.reason());

        JobEvent end = env.events.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals(EventType.COMPLETED, end.type(), () -> end + "\n" + worker.tail());
        // same dataset as the first job: served from the local cache, nothing downloaded again
        assertEquals((long) PAIRS, end.counts().get("datasetReused"), end::toString);
        assertEquals(0L, end.counts().get("datasetDownloaded"), end::toString);
    }

    @Test
    @Order(4)
    void refusedBucketsAndMissingDatasetsFailWithTheirName() {
        String forbidden = "it-refused-bucket";
        env.send(TrainJob.of(forbidden, dataset, TrainJob.Layout.ALIGNED, "s3://not-allowed-bucket/models/x/",
                ItEnv.tinyOptions(1, 1)));
        JobEvent f1 = env.events.awaitTerminal(forbidden, JOB_TIMEOUT);
        assertEquals(EventType.FAILED, f1.type());
        assertTrue(f1.reason().contains("not-allowed-bucket") && f1.reason().contains("not allowed"), f1.reason());

        String missing = "it-missing-dataset";
        env.send(TrainJob.of(missing, "s3://" + env.bucket + "/datasets/nothing-here/", TrainJob.Layout.ALIGNED,
                output(missing), ItEnv.tinyOptions(1, 1)));
        JobEvent f2 = env.events.awaitTerminal(missing, JOB_TIMEOUT);
        assertEquals(EventType.FAILED, f2.type());
        assertTrue(f2.reason().contains("datasets/nothing-here"), f2.reason());
        assertFalse(env.store.exists(out(missing, "_SUCCESS.json")));
    }

    @Test
    @Order(5)
    void cancelStopsARunningJobAndARedeliveryDoesNotRestartIt() throws Exception {
        String id = "it-cancel";
        env.send(TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, output(id), ItEnv.tinyOptions(400, 1000)));
        JobEvent first = env.events.await(id, e -> e.type() == EventType.EPOCH || e.type().terminal(), JOB_TIMEOUT);
        assertEquals(EventType.EPOCH, first.type(), () -> "really training: " + first + "\n" + worker.tail());
        long t0 = System.nanoTime();
        env.cancel(id);
        JobEvent end = env.events.awaitTerminal(id, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(EventType.CANCELLED, end.type(), () -> end + "\n" + worker.tail());
        assertTrue(seconds < 20, "stopped promptly: " + seconds + " s");
        assertEquals("asked by the test", end.reason());
        assertTrue(end.epoch() < 400, end::toString);
        assertNotNull(end.checkpoint(), "the stop checkpoints");
        assertTrue(env.store.exists(S3Uri.parse(end.checkpoint()).child("state.json")));
        assertTrue(env.store.exists(out(id, "_CANCELLED.json")));
        assertFalse(env.store.exists(out(id, "_SUCCESS.json")));

        env.send(TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, output(id), ItEnv.tinyOptions(400, 1000)));
        env.barrier("barrier-after-cancelled");
        assertEquals(1, env.events.events(id, EventType.CANCELLED).size(), "a job ends once");
        assertEquals(1, env.events.events(id, EventType.ACCEPTED).size());
        assertTrue(env.events.events(id, EventType.COMPLETED).isEmpty());
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

}
