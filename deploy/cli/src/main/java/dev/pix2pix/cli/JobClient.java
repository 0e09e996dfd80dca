package dev.pix2pix.cli;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Validated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka side of the job commands: publish a message keyed by job id, and read
 * {@code pix2pix.events} (all partitions, no consumer group, nothing committed).
 */
public final class JobClient {
    /** How long a client waits for a broker before giving up with a readable error. */
    static final int BROKER_TIMEOUT_MS = 15_000;

    private final KafkaSettings kafka;
    private final String bootstrapServers;
    private final JobValidator validator = new JobValidator();

    /** Plaintext, bootstrap servers only. */
    public JobClient(String bootstrapServers) {
        this(KafkaSettings.plain(bootstrapServers));
    }

    /** With the connection's client properties (TLS, SASL, ...). */
    public JobClient(KafkaSettings kafka) {
        this.kafka = kafka;
        this.bootstrapServers = kafka.bootstrapServers();
    }

    /** Publishes {@code json} with key {@code key} and waits for the broker's acknowledgement. */
    public RecordMetadata publish(String topic, String key, String json) {
        Properties p = kafka.clientProperties(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "pix2pix-cli",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, BROKER_TIMEOUT_MS,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, BROKER_TIMEOUT_MS * 2,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, BROKER_TIMEOUT_MS));
        String action = "publishing to " + topic;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, json)).get(BROKER_TIMEOUT_MS * 3L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw KafkaErrors.explain(e, action, kafka);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A cursor over every partition of {@code topic}; close it. */
    public EventReader events(String topic) {
        return new EventReader(topic);
    }

    /** Reads a topic's partitions directly (assign, no group), validating each record as a {@link JobEvent}. */
    public final class EventReader implements AutoCloseable {
        private final String topic;
        private final KafkaConsumer<String, String> consumer;
        private List<TopicPartition> partitions = List.of();
        /** Records that are not valid events: counted, reported once. */
        private long invalid;

        EventReader(String topic) {
            this.topic = topic;
            Map<String, Object> fixed = new HashMap<>();
            fixed.put(ConsumerConfig.CLIENT_ID_CONFIG, "pix2pix-cli");
            fixed.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            fixed.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
            fixed.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            fixed.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, BROKER_TIMEOUT_MS);
            fixed.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, BROKER_TIMEOUT_MS);
            fixed.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try {
                consumer = new KafkaConsumer<>(kafka.clientProperties(fixed), new StringDeserializer(),
                        new StringDeserializer());
            } catch (org.apache.kafka.common.KafkaException e) {
                throw KafkaErrors.explain(e, "setting up a reader of " + topic, kafka);
            }
        }

        /** Assigns every partition (none if the topic does not exist yet). Returns false if it does not. */
        private boolean assign() {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofMillis(BROKER_TIMEOUT_MS));
            } catch (org.apache.kafka.common.KafkaException e) {
                // no answer, refused credentials, TLS failure or a missing ACL: say which
                throw KafkaErrors.explain(e, "reading " + topic, kafka);
            }
            if (infos == null || infos.isEmpty()) {
                return false;
            }
            if (infos.size() != partitions.size()) {
                List<TopicPartition> tps = new ArrayList<>();
                for (PartitionInfo i : infos) {
                    tps.add(new TopicPartition(topic, i.partition()));
                }
                List<TopicPartition> added = new ArrayList<>(tps);
                added.removeAll(partitions);
                consumer.assign(tps);
                consumer.seekToBeginning(added);
                partitions = tps;
            }
            return true;
        }

        /** Starts at the current end of every partition: only events published from now on are read. */
        public EventReader fromEnd() {
            if (assign()) {
                consumer.seekToEnd(partitions);
                for (TopicPartition tp : partitions) {
                    consumer.position(tp); // resolve now, not lazily after the job was published
                }
            }
            return this;
        }

        /** Starts at the beginning of every partition. */
        public EventReader fromBeginning() {
            if (assign()) {
                consumer.seekToBeginning(partitions);
            }
            return this;
        }

        /** Every event up to the end offsets as of now (for {@code jobs}). */
        public List<JobEvent> readToEnd() {
            if (partitions.isEmpty() && !assign()) {
                return List.of();
            }
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            List<JobEvent> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + BROKER_TIMEOUT_MS * 4L;
            while (!reached(end)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("timed out reading " + topic + " from " + bootstrapServers);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JobEvent e = parse(r);
                    if (e != null) {
                        out.add(e);
                    }
                }
            }
            return out;
        }

        private boolean reached(Map<TopicPartition, Long> end) {
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                if (consumer.position(e.getKey()) < e.getValue()) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Hands every event of {@code jobId} to {@code onEvent} until the job's terminal event (returned),
         * {@code timeout} (null = none) passes, or {@code stop} answers true (both: empty result).
         */
        public java.util.Optional<JobEvent> follow(String jobId, Consumer<JobEvent> onEvent, Duration timeout,
                                                   BooleanSupplier stop) {
            return follow(jobId, onEvent, timeout, stop, System.err::println);
        }

        /**
         * As {@link #follow(String, Consumer, Duration, BooleanSupplier)}; while the broker does not
         * answer (stopped, hung, restarting) it keeps trying and says so once on {@code notice}, and
         * once more when the broker is back: a job is followed through an outage up to the timeout.
         */
        java.util.Optional<JobEvent> follow(String jobId, Consumer<JobEvent> onEvent, Duration timeout,
                                            BooleanSupplier stop, Consumer<String> notice) {
            return read(e -> jobId.equals(e.jobId()), jobId, onEvent, timeout, stop, notice, true);
        }

        /** Every valid event, until {@code stop} (for the chaos soak's tally); outages are waited out. */
        void every(Consumer<JobEvent> onEvent, BooleanSupplier stop) {
            read(e -> true, "every job", onEvent, null, stop, m -> System.err.println("          " + m), false);
        }

        private java.util.Optional<JobEvent> read(java.util.function.Predicate<JobEvent> match, String jobId,
                Consumer<JobEvent> onEvent, Duration timeout, BooleanSupplier stop, Consumer<String> notice,
                boolean untilEnd) {
            long deadline = timeout == null ? Long.MAX_VALUE : System.currentTimeMillis() + timeout.toMillis();
            long away = 0; // when the broker stopped answering (0 = it answers)
            long lastHeard = System.currentTimeMillis();
            long lastProbe = 0;
            while (System.currentTimeMillis() < deadline && !stop.getAsBoolean()) {
                try {
                    if (partitions.isEmpty() && !assign()) {
                        sleep(500); // the topic does not exist yet: nobody has published an event
                        continue;
                    }
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                    long now = System.currentTimeMillis();
                    if (records.isEmpty() && (away != 0 ? now - lastProbe > 2_000 : now - lastHeard > 10_000)
                            && now - lastProbe > 2_000) {
                        // quiet: is the broker there? (a hung broker looks like a quiet one to poll)
                        lastProbe = now;
                        consumer.endOffsets(partitions, Duration.ofSeconds(5)); // throws when it does not answer
                        lastHeard = System.currentTimeMillis();
                    } else if (!records.isEmpty()) {
                        lastHeard = now;
                    }
                    if (away != 0 && lastHeard >= away) {
                        notice.accept("Kafka at " + bootstrapServers + " answers again after "
                                + (lastHeard - away) / 1000 + " s; following " + jobId);
                        away = 0;
                    }
                    for (ConsumerRecord<String, String> r : records) {
                        JobEvent e = parse(r);
                        if (e == null || !match.test(e)) {
                            continue;
                        }
                        onEvent.accept(e);
                        if (untilEnd && isEnd(e)) {
                            return java.util.Optional.of(e);
                        }
                    }
                } catch (org.apache.kafka.common.errors.InterruptException e) {
                    Thread.currentThread().interrupt();
                    return java.util.Optional.empty();
                } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
                    // no answer while assigning or polling: the job goes on without us; so do we
                    if (away == 0) {
                        away = Math.max(lastHeard + 1, System.currentTimeMillis() - BROKER_TIMEOUT_MS);
                        notice.accept(awayNotice(jobId, deadline));
                    }
                    lastProbe = System.currentTimeMillis();
                    sleep(1000);
                }
            }
            return java.util.Optional.empty();
        }

        private String awayNotice(String jobId, long deadline) {
            return "Kafka at " + bootstrapServers + " does not answer; the job goes on, and so does following "
                    + jobId + (deadline == Long.MAX_VALUE ? "" : " (until --timeout)") + "; Ctrl-C stops following";
        }

        private JobEvent parse(ConsumerRecord<String, String> r) {
            Validated<JobEvent> v = validator.event(r.value());
            if (!v.ok()) {
                if (invalid++ == 0) {
                    System.err.println("warning: ignoring a record on " + topic + " that is not a valid job event ("
                            + r.partition() + "@" + r.offset() + "): " + String.join("; ", v.violations()));
                }
                return null;
            }
            return v.value();
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * The event that ends a job: completed, failed or cancelled ({@link dev.pix2pix.msg.EventType#terminal()}:
     * no event of the job follows it). worker-infer's may carry the index of the shard that caused it.
     */
    public static boolean isEnd(JobEvent e) {
        return e.type() != null && e.type().terminal();
    }

    /** Exit code of a finished job: 0 completed, 1 failed, 3 cancelled. */
    public static int exitCode(JobEvent end) {
        return end.type() == EventType.COMPLETED ? 0 : end.type() == EventType.CANCELLED ? 3 : 1;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
