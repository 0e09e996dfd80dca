package dev.pix2pix.worker.train;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning in the background and keeps every record (for events and dead letters). */
final class EventLog implements AutoCloseable {
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    EventLog(String bootstrap, String topic) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // what clients see: only committed transactions (terminal events are published in transactions)
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cfg);
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
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

    List<ConsumerRecord<String, String>> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    List<JobEvent> events(String jobId) {
        return records().stream().map(r -> Json.read(r.value(), JobEvent.class))
                .filter(e -> jobId.equals(e.jobId())).toList();
    }

    List<JobEvent> events(String jobId, EventType type) {
        return events(jobId).stream().filter(e -> e.type() == type).toList();
    }

    JobEvent await(String jobId, Predicate<JobEvent> match, Duration timeout) {
        return awaitRecord(r -> {
            JobEvent e = Json.read(r.value(), JobEvent.class);
            return jobId.equals(e.jobId()) && match.test(e);
        }, timeout).map(r -> Json.read(r.value(), JobEvent.class)).orElseThrow(() -> new AssertionError(
                "no matching event of " + jobId + " within " + timeout + "; got " + events(jobId)));
    }

    JobEvent awaitTerminal(String jobId, Duration timeout) {
        return await(jobId, e -> e.type().terminal(), timeout);
    }

    Optional<ConsumerRecord<String, String>> awaitRecord(Predicate<ConsumerRecord<String, String>> match,
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

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
