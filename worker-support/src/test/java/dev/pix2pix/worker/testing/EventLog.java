package dev.pix2pix.worker.testing;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Validated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every record of a topic from the beginning, read on a background thread (events, dead letters), as a
 * client sees them: committed transactions only. Events are checked against the event schema as they are read.
 */
public final class EventLog implements AutoCloseable {
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private final JobValidator validator = new JobValidator();

    public EventLog(String bootstrap, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // a fresh group reading from the start: also sees a topic that a worker creates later
                ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
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
        }, "it-read-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    public List<ConsumerRecord<String, String>> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** The events of a job, each validated against the event schema. */
    public List<JobEvent> events(String jobId) {
        return records().stream().map(this::event).filter(e -> jobId.equals(e.jobId())).toList();
    }

    public List<JobEvent> events(String jobId, EventType type) {
        return events(jobId).stream().filter(e -> e.type() == type).toList();
    }

    private JobEvent event(ConsumerRecord<String, String> r) {
        Validated<JobEvent> v = validator.event(r.value());
        if (!v.ok()) {
            throw new AssertionError("event does not match its schema: " + v.violations() + ": " + r.value());
        }
        return v.value();
    }

    /** The first event of the job that matches; fails with the events seen. */
    public JobEvent await(String jobId, Predicate<JobEvent> match, Duration timeout) {
        return awaitRecord(r -> {
            JobEvent e = event(r);
            return jobId.equals(e.jobId()) && match.test(e);
        }, timeout).map(this::event).orElseThrow(() -> new AssertionError("no matching event of " + jobId
                + " within " + timeout + "; seen: " + events(jobId).stream()
                .map(e -> e.type().wire() + (e.reason() == null ? "" : "(" + e.reason() + ")")).toList()));
    }

    /** The job's first terminal event (done, failed, cancelled). */
    public JobEvent awaitTerminal(String jobId, Duration timeout) {
        return await(jobId, e -> e.type().terminal(), timeout);
    }

    /** The first record (of any key) that matches, or empty after {@code timeout}. */
    public Optional<ConsumerRecord<String, String>> awaitRecord(Predicate<ConsumerRecord<String, String>> match,
            Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (records) {
            int seen = 0;
            while (true) {
                for (; seen < records.size(); seen++) {
                    if (match.test(records.get(seen))) {
                        return Optional.of(records.get(seen));
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    records.wait(Math.max(1, Math.min(left / 1_000_000, 500)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    public static List<EventType> types(List<JobEvent> events) {
        return events.stream().map(JobEvent::type).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
