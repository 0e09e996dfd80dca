package dev.pix2pix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.stack.PrivateStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pix2pix watch} follows a job through a broker that hangs (SIGSTOP) and one that is stopped
 * and started again: it says so once, goes on, and ends with the job (exit 0), on a broker of this
 * test alone.
 */
class WatchOutageIT {
    private static PrivateStack stack;

    @BeforeAll
    static void servers() {
        stack = PrivateStack.start("watch");
        stack.kafka().createTopic(Topics.EVENTS, 3);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** watch in process, its stderr captured by a stream of its own (the CLI writes to System.err). */
    private static CompletableFuture<Integer> watch(String jobId, ByteArrayOutputStream err) {
        return CompletableFuture.supplyAsync(() -> {
            PrintStream old = System.err;
            // the follower prints on System.err; tests of this class run one at a time
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                return Main.run(new String[] {"watch", jobId, "--timeout", "240", "--bootstrap-servers",
                    stack.kafka().bootstrapServers()});
            } finally {
                System.setErr(old);
            }
        });
    }

    private static void publish(JobEvent e) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.EVENTS, e.jobId(), Json.write(e))).get(60, TimeUnit.SECONDS);
        }
    }

    private void followThrough(String jobId, Runnable begin, Runnable end) throws Exception {
        publish(JobEvent.builder(jobId, EventType.ACCEPTED).build());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> watching = watch(jobId, err);
        Thread.sleep(3000);
        begin.run();
        Thread.sleep(Duration.ofSeconds(30).toMillis());
        assertFalse(watching.isDone(), () -> "watch gave up during the outage: " + err);
        end.run();
        publish(JobEvent.builder(jobId, EventType.COMPLETED).build());
        int code = watching.get(180, TimeUnit.SECONDS);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertEquals(1, text.split("does not answer", -1).length - 1, text);
        assertTrue(text.contains("answers again"), text);
    }

    @Test
    void followsThroughAHungBroker() throws Exception {
        followThrough("watch-hung", stack::hangKafka, stack::resumeKafka);
    }

    @Test
    void followsThroughARestartedBroker() throws Exception {
        followThrough("watch-restart", stack::stopKafka, stack::startKafka);
    }
}
