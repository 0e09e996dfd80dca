package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.stack.PrivateStack;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * S3Proxy and the broker each hung (SIGSTOP/SIGCONT) and each stopped and started again, for
 * {@link #outage()} in the middle of a translate job, on servers of this test alone: every job
 * completes once, with every output and no item failed. {@link LongOutageIT} does the same for
 * five minutes (-Pslow).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageIT {
    private static final int INPUTS = 20;
    static PrivateStack stack;
    static ItEnv env;
    static WorkerProcess worker;
    static String model;

    Duration outage() {
        return Duration.ofSeconds(30);
    }

    @BeforeAll
    static void start() throws Exception {
        stack = PrivateStack.start("infer-outage");
        env = new ItEnv("outage", stack.kafka(), stack.s3());
        model = env.uploadColorizeModel("models/tiny/");
        Map<String, String> props = env.workerProps();
        props.put("pix2pix.outage.max-backoff", "5s"); // resume within seconds of the server's return
        worker = WorkerProcess.start("outage-" + env.name, props);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (worker != null) {
                worker.close();
            }
            if (env != null) {
                env.close();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    /** Submits a job, waits until a first shard is done, runs the fault, then checks the job. */
    private void jobThrough(String name, Runnable begin, Runnable end, boolean s3Fault) throws Exception {
        String in = name + "/in/";
        String out = name + "/out/";
        JobChecks.putInputs(env, in, INPUTS);
        String jobId = name + "-job";
        env.submit(TranslateJob.ofPrefix(jobId, model, env.uri(in), env.uri(out), TranslateJob.Mode.COLORIZE,
                new TranslateJob.Options(null, 128, null, null, null, null, 2, 3L)), jobId);
        env.events.await(jobId, e -> e.type() == EventType.PROGRESS, Duration.ofSeconds(180));
        assertFalse(env.events.events(jobId).stream().anyMatch(e -> e.type().terminal()),
                "the job ended before the fault: the test would prove nothing");
        begin.run();
        long until = System.nanoTime() + outage().toNanos();
        boolean sawNotReady = false;
        while (System.nanoTime() < until) {
            String ready = worker.readiness();
            if (s3Fault && ready.contains("\"DOWN\"")) {
                sawNotReady = true; // the s3 probe or the outage monitor: either tells a balancer to wait
            }
            Thread.sleep(1000);
        }
        end.run();
        JobChecks.assertCompletedOnce(env, jobId, out, INPUTS, Duration.ofMinutes(4));
        assertTrue(worker.isAlive(), "the worker waited the outage out instead of dying");
        if (s3Fault) {
            assertTrue(sawNotReady, "readiness should report the S3 outage while it lasts");
        }
    }

    @Test
    @Order(1)
    void s3Hung() throws Exception {
        jobThrough("s3-hung", stack::hangS3, stack::resumeS3, true);
    }

    @Test
    @Order(2)
    void s3StoppedAndStartedAgain() throws Exception {
        jobThrough("s3-restart", stack::stopS3, stack::startS3, true);
    }

    @Test
    @Order(3)
    void kafkaHung() throws Exception {
        jobThrough("kafka-hung", stack::hangKafka, stack::resumeKafka, false);
    }

    @Test
    @Order(4)
    void kafkaStoppedAndStartedAgain() throws Exception {
        jobThrough("kafka-restart", stack::stopKafka, stack::startKafka, false);
    }
}
