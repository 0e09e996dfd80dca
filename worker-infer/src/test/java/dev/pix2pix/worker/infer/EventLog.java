package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Validated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Every record of a topic from the beginning, read on a background thread (events, DLQ). */
final class EventLog implements AutoCloseable {
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private final JobValidator validator = new JobValidator();

    EventLog(String bootstrap, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000,
                // what clients see: only committed transactions (the workers publish outcomes in transactions)
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        synchronized (records) {
                            records.add(r);
                            records.notifyAll();
                        }
                    }
                }
            }
        }, "it-log-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    List<ConsumerRecord<String, String>> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    /** Events of a job, each validated against the event schema. */
    List<JobEvent> events(String jobId) {
        List<JobEvent> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records()) {
            Validated<JobEvent> v = validator.event(r.value());
            if (!v.ok()) {
                throw new AssertionError("event does not match its schema: " + v.violations() + ": " + r.value());
            }
            if (v.value().jobId().equals(jobId)) {
                out.add(v.value());
            }
        }
        return out;
    }

    /** Waits for the first event of the job matching a terminal type; fails with the events seen. */
    JobEvent awaitTerminal(String jobId, Duration timeout) throws InterruptedException {
        return await(jobId, e -> e.type().terminal(), timeout);
    }

    JobEvent await(String jobId, Predicate<JobEvent> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JobEvent e : events(jobId)) {
                if (p.test(e)) {
                    return e;
                }
            }
            synchronized (records) {
                records.wait(200);
            }
        }
        throw new AssertionError("no matching event for " + jobId + " within " + timeout + "; seen: "
                + events(jobId).stream().map(e -> e.type().wire() + (e.reason() == null ? "" : "(" + e.reason() + ")"))
                        .toList());
    }

    static List<EventType> types(List<JobEvent> events) {
        return events.stream().map(JobEvent::type).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
