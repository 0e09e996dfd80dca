package dev.pix2pix.worker.train;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.FailureCode;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.stack.PrivateStack;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.S3Uri;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A training job through S3 hung and S3 restarted at an epoch boundary (its checkpoint upload
 * waits), through the broker hung and restarted; a worker that dies half-way through a checkpoint
 * upload and one that dies between _SUCCESS.json and the completed event; and a new job id on a
 * prefix that holds another job's model. Every job ends in exactly one terminal event. Servers of
 * this test alone; {@link LongTrainFaultIT} runs the outages for five minutes (-Pslow).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainFaultIT {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);
    static PrivateStack stack;
    static ItEnv env;
    static String dataset;

    Duration outage() {
        return Duration.ofSeconds(30);
    }

    @BeforeAll
    static void start() throws Exception {
        stack = PrivateStack.start("train-fault");
        env = new ItEnv("tf" + Long.toHexString(System.nanoTime() & 0xffffff), 1, stack.kafka(), stack.s3());
        dataset = env.uploadScenes("scenes4", 4);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (env != null) {
                env.close();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    private static Map<String, String> props(String name) {
        Map<String, String> p = new HashMap<>(env.workerProps(env.dir.resolve("work-" + name)));
        p.put("mp.messaging.incoming.train-jobs.session.timeout.ms", "6000");
        p.put("pix2pix.outage.max-backoff", "5s");
        return p;
    }

    private static String output(String id) {
        return "s3://" + env.bucket + "/models/" + id + "/";
    }

    private static JobEvent completedOnce(String id, int epochs) throws Exception {
        JobEvent end = env.events.awaitTerminal(id, JOB_TIMEOUT);
        assertEquals(EventType.COMPLETED, end.type(), end::toString);
        assertEquals(epochs, end.epoch());
        Thread.sleep(1500);
        assertEquals(1, env.events.events(id).stream().filter(e -> e.type().terminal()).count(),
                () -> "terminal events: " + env.events.events(id));
        assertTrue(env.store.exists(S3Uri.parse(output(id)).child("generator.params")));
        return end;
    }

    private void throughOutage(String id, Runnable begin, Runnable end) throws Exception {
        try (WorkerProcess w = WorkerProcess.start(props(id), ItEnv.logFile(id))) {
            env.send(TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, output(id), ItEnv.tinyOptions(12, 1)));
            env.events.await(id, e -> e.type() == EventType.EPOCH, JOB_TIMEOUT);
            begin.run();
            Thread.sleep(outage().toMillis());
            end.run();
            completedOnce(id, 12);
            assertTrue(w.isAlive(), "the worker waited the outage out");
        }
    }

    @Test
    @Order(1)
    void s3HungAtAnEpochBoundary() throws Exception {
        throughOutage("t-s3-hung", stack::hangS3, stack::resumeS3);
    }

    @Test
    @Order(2)
    void s3Restarted() throws Exception {
        throughOutage("t-s3-restart", stack::stopS3, stack::startS3);
    }

    @Test
    @Order(3)
    void kafkaHung() throws Exception {
        throughOutage("t-kafka-hung", stack::hangKafka, stack::resumeKafka);
    }

    @Test
    @Order(4)
    void kafkaRestarted() throws Exception {
        throughOutage("t-kafka-restart", stack::stopKafka, stack::startKafka);
    }

    private void dieThenResume(String id, String failpoint, int epochs) throws Exception {
        Map<String, String> p = props(id);
        p.put("dev.pix2pix.failpoints", failpoint);
        try (WorkerProcess doomed = WorkerProcess.start(p, ItEnv.logFile(id + "-doomed"))) {
            env.send(TrainJob.of(id, dataset, TrainJob.Layout.ALIGNED, output(id), ItEnv.tinyOptions(epochs, 2)));
            assertEquals(137, doomed.awaitExit(JOB_TIMEOUT), () -> "did not die at " + failpoint + "\n" + doomed.tail());
        }
        assertTrue(env.events.events(id).stream().noneMatch(e -> e.type().terminal()), "ended before dying");
        try (WorkerProcess rescuer = WorkerProcess.start(props(id + "-2"), ItEnv.logFile(id + "-rescuer"))) {
            completedOnce(id, epochs);
        }
    }

    @Test
    @Order(5)
    void diesDuringACheckpointUpload() throws Exception {
        dieThenResume("t-die-checkpoint", "checkpoint.mid-upload", 4);
    }

    @Test
    @Order(6)
    void diesBetweenSuccessMarkerAndCompletedEvent() throws Exception {
        String id = "t-die-success";
        dieThenResume(id, "train-jobs.before-commit", 2);
        assertTrue(env.store.exists(S3Uri.parse(output(id)).child("_SUCCESS.json")));
        // the second worker found the marker of this very message and published its event: no retraining
        assertEquals(1, env.events.events(id, EventType.COMPLETED).size());
    }

    @Test
    @Order(7)
    void aNewJobIdOnAReusedPrefixIsRefusedAndTheModelThereIsKept() throws Exception {
        String first = "t-owner";
        try (WorkerProcess w = WorkerProcess.start(props(first), ItEnv.logFile(first))) {
            env.send(TrainJob.of(first, dataset, TrainJob.Layout.ALIGNED, output(first), ItEnv.tinyOptions(1, 1)));
            completedOnce(first, 1);
            ObjectInfo weights = env.store.stat(S3Uri.parse(output(first)).child("generator.params")).orElseThrow();
            String intruder = "t-intruder";
            env.send(TrainJob.of(intruder, dataset, TrainJob.Layout.ALIGNED, output(first), ItEnv.tinyOptions(1, 1)));
            JobEvent end = env.events.awaitTerminal(intruder, JOB_TIMEOUT);
            assertEquals(EventType.FAILED, end.type(), end::toString);
            assertEquals(FailureCode.REFUSED.name(), end.code());
            assertTrue(end.reason().contains(first), end.reason());
            assertEquals(weights.etag(),
                    env.store.stat(S3Uri.parse(output(first)).child("generator.params")).orElseThrow().etag());
            assertFalse(env.events.events(intruder).stream().anyMatch(e -> e.type() == EventType.ACCEPTED),
                    "refused before training");
            assertEquals(List.of(EventType.COMPLETED), env.events.events(first).stream().map(JobEvent::type)
                    .filter(EventType::terminal).toList());
        }
    }
}
