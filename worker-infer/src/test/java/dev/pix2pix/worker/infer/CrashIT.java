package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.FailureCode;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.worker.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker dies (kill -9 semantics, at a failpoint) during fan-out, mid-shard and in the
 * finalizer; another one takes over and the job completes once, with every output once. A job whose
 * input makes the worker run out of memory kills it a few times, then fails as POISON with its
 * message on the dead-letter topic, and the next job runs.
 */
class CrashIT {
    private static final int INPUTS = 12;
    private static ItEnv env;
    private static String model;

    @BeforeAll
    static void start() throws Exception {
        env = new ItEnv("crash");
        model = env.uploadColorizeModel("models/tiny/");
    }

    @AfterAll
    static void stop() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    private void dieThenRecover(String name, String failpoint) throws Exception {
        String in = name + "/in/";
        String out = name + "/out/";
        JobChecks.putInputs(env, in, INPUTS);
        String jobId = name + "-job";
        Map<String, String> props = env.workerProps();
        props.put("pix2pix.kafka.session-timeout-ms", "6000"); // a dead member's partitions move soon
        props.put("pix2pix.kafka.heartbeat-interval-ms", "1500");
        props.put("dev.pix2pix.failpoints", failpoint);
        WorkerProcess doomed = WorkerProcess.start(name + "-doomed-" + env.name, props);
        try {
            env.submit(TranslateJob.ofPrefix(jobId, model, env.uri(in), env.uri(out), TranslateJob.Mode.COLORIZE,
                    new TranslateJob.Options(null, 64, null, null, null, null, 3, 3L)), jobId);
            assertEquals(137, doomed.awaitExit(Duration.ofMinutes(3)), () -> "did not die at " + failpoint + ":\n"
                    + doomed.tail());
        } finally {
            doomed.kill();
        }
        assertTrue(env.events.events(jobId).stream().noneMatch(e -> e.type().terminal()), "ended before the crash");
        props.remove("dev.pix2pix.failpoints");
        try (WorkerProcess rescuer = WorkerProcess.start(name + "-rescuer-" + env.name, props)) {
            JobChecks.assertCompletedOnce(env, jobId, out, INPUTS, Duration.ofMinutes(4));
        }
    }

    @Test
    void diesDuringFanOut() throws Exception {
        dieThenRecover("fanout", "translate-jobs.before-commit");
    }

    @Test
    void diesMidShard() throws Exception {
        dieThenRecover("midshard", "shard.after-an-item");
    }

    @Test
    void diesInTheFinalizer() throws Exception {
        dieThenRecover("finalizer", "translate-done.before-commit");
    }

    /** A cancel published while no replica runs still reaches its job when one starts. */
    @Test
    void aCancelSentWhileNoReplicaRunsStopsTheJob() throws Exception {
        JobChecks.putInputs(env, "nobody/in/", 4);
        String jobId = "cancelled-while-down";
        env.submit(TranslateJob.ofPrefix(jobId, model, env.uri("nobody/in/"), env.uri("nobody/out/"), null, null), jobId);
        env.send(dev.pix2pix.msg.Topics.CONTROL, jobId, dev.pix2pix.msg.Json.write(
                new dev.pix2pix.msg.CancelJob("1.0", jobId, "not wanted any more")));
        try (WorkerProcess w = WorkerProcess.start("late-" + env.name, env.workerProps())) {
            JobEvent end = env.events.awaitTerminal(jobId, Duration.ofMinutes(2));
            assertEquals(EventType.CANCELLED, end.type(), end::toString);
            assertEquals("not wanted any more", end.reason());
            Thread.sleep(1500);
            assertEquals(1, env.events.events(jobId).stream().filter(e -> e.type().terminal()).count());
            assertTrue(env.outputKeys("nobody/out/").isEmpty(), "a cancelled job wrote outputs");
        }
    }

    @Test
    void anInputThatRunsTheWorkerOutOfMemoryEndsAsPoisonAfterThreeDeaths() throws Exception {
        // 6000 x 6000 = 36 MP, under the pixel ceiling, but 432 MB as floats: more than a 256 MB heap
        java.awt.image.BufferedImage big = new java.awt.image.BufferedImage(6000, 6000,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(big, "png", png);
        env.put("oom/in/huge.png", png.toByteArray());
        String jobId = "oom-job";
        Map<String, String> props = env.workerProps();
        props.put("pix2pix.kafka.session-timeout-ms", "6000");
        props.put("pix2pix.kafka.heartbeat-interval-ms", "1500");
        env.submit(TranslateJob.ofPrefix(jobId, model, env.uri("oom/in/"), env.uri("oom/out/"), null, null), jobId);
        int deaths = 0;
        JobEvent end = null;
        for (int start = 0; start < 6 && end == null; start++) {
            WorkerProcess w = WorkerProcess.start("oom-" + start + "-" + env.name, props,
                    List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"), false);
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (System.nanoTime() < deadline && w.isAlive() && end == null) {
                    end = env.events.events(jobId).stream().filter(e -> e.type().terminal()).findFirst().orElse(null);
                    Thread.sleep(500);
                }
                if (!w.isAlive()) {
                    deaths++;
                }
            } finally {
                w.close();
            }
        }
        assertTrue(end != null, "no terminal event after " + deaths + " deaths");
        assertEquals(EventType.FAILED, end.type(), end::toString);
        assertEquals(FailureCode.POISON.name(), end.code(), end::toString);
        assertEquals(3, deaths, "deaths before the shard was set aside");
        assertTrue(end.reason().contains("3 time(s)"), end.reason());
        ConsumerRecord<String, String> dead = env.dlq.records().stream()
                .filter(r -> r.value().contains(jobId)).findFirst().orElseThrow();
        assertEquals("POISON", new String(dead.headers().lastHeader(DeadLetters.CODE).value(), StandardCharsets.UTF_8));

        // the partition moved on: the next job on this worker group completes
        String next = "after-oom";
        env.put("oom/next/small.png", ItEnv.image(40, 30, true, "png", 3));
        try (WorkerProcess w = WorkerProcess.start("oom-after-" + env.name, props)) {
            env.submit(TranslateJob.ofPrefix(next, model, env.uri("oom/next/"), env.uri("oom/next-out/"), null, null),
                    next);
            assertEquals(EventType.COMPLETED, env.events.awaitTerminal(next, Duration.ofMinutes(2)).type());
        }
    }
}
