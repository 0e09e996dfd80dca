package dev.pix2pix.worker;

import dev.pix2pix.delivery.OutagePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes an {@link Outcome}'s records and commits the consumed message's offset in one Kafka
 * transaction (consume-transform-produce), so that a message's results become visible exactly
 * once, together with its commit: a crash before the commit leaves neither, and the redelivered
 * message produces them again. Kafka outages are waited out here: the transaction is tried again
 * (capped backoff) until it commits, for as long as the message's partition is ours and the
 * worker is not stopping; a new producer replaces one that Kafka declared unusable. Readers use
 * {@code isolation.level=read_committed}. One publisher per consuming thread (a producer runs one
 * transaction at a time).
 */
public final class TxPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TxPublisher.class);
    private static final String SERVER = "Kafka";

    private final Map<String, Object> config;
    private final String transactionalId;
    /** Where a fault test can end the process with the records sent and nothing committed. */
    private final String failpoint;
    private final OutageMonitor outages;
    private final OutagePolicy backoff;
    private KafkaProducer<String, String> producer;

    /**
     * @param clientConfig    connection settings (bootstrap servers, security), such as the Kafka extension's
     *                        default-kafka-broker map: only the producer's keys are taken; those below are set here
     * @param channel         the consuming channel, e.g. translate-shards (names the failpoint
     *                        {@code <channel>.before-commit})
     * @param transactionalId unique per process and consuming channel
     */
    public TxPublisher(Map<String, ?> clientConfig, String channel, String transactionalId, OutageMonitor outages,
            OutagePolicy backoff) {
        this.config = new HashMap<>();
        clientConfig.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                config.put(k, v);
            }
        });
        this.transactionalId = transactionalId;
        this.failpoint = channel + ".before-commit";
        this.outages = outages;
        this.backoff = backoff;
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        // short client-side waits: an outage is waited out by the loop below, where stopping is seen
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 40_000);
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        config.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
    }

    /**
     * Publishes {@code records} and, when {@code consumed} is given, commits {@code nextOffset} for it
     * in the consumer group described by {@code group}. Returns true once committed; false when
     * {@code giveUp} answered true first (then nothing of it is visible).
     */
    public boolean publish(List<Outcome.Out> records, TopicPartition consumed, long nextOffset,
            Supplier<ConsumerGroupMetadata> group, BooleanSupplier giveUp) {
        int failures = 0;
        long firstFailure = 0;
        while (true) {
            if (giveUp.getAsBoolean()) {
                return false;
            }
            try {
                KafkaProducer<String, String> p = producer();
                p.beginTransaction();
                List<Future<?>> sent = new ArrayList<>();
                for (Outcome.Out o : records) {
                    sent.add(p.send(record(o)));
                }
                dev.pix2pix.delivery.Failpoint.hit(failpoint);
                if (consumed != null) {
                    ConsumerGroupMetadata gm = group.get();
                    if (gm == null) {
                        throw new KafkaException("no consumer group membership yet for " + consumed);
                    }
                    p.sendOffsetsToTransaction(Map.of(consumed, new OffsetAndMetadata(nextOffset)), gm);
                }
                commit(p, giveUp);
                if (failures > 0) {
                    outages.answering(SERVER);
                }
                return true;
            } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                    | UnsupportedVersionException | AuthorizationException | IllegalStateException e) {
                // this producer cannot go on; a new one (initTransactions) aborts whatever it left open
                LOG.warnf("%s: transaction failed, starting a new producer: %s", transactionalId, e.toString());
                discard();
                failures = failed(failures, firstFailure, e);
            } catch (KafkaException e) {
                abortQuietly();
                failures = failed(failures, firstFailure, e);
            }
            if (failures == 1) {
                firstFailure = System.nanoTime();
            }
            pause(failures);
        }
    }

    private int failed(int failures, long firstFailure, Exception e) {
        Duration soFar = failures == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - firstFailure);
        outages.failing(SERVER, soFar, e);
        LOG.debugf("%s: transaction attempt %d failed: %s", transactionalId, failures + 1, e.toString());
        return failures + 1;
    }

    /** commitTransaction may be retried after a timeout: the broker may have committed already. */
    private void commit(KafkaProducer<String, String> p, BooleanSupplier giveUp) {
        for (int i = 1; ; i++) {
            try {
                p.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (giveUp.getAsBoolean() || i >= 10) {
                    throw e;
                }
                LOG.debugf("%s: commit timed out, retrying: %s", transactionalId, e.toString());
            }
        }
    }

    private void pause(int failures) {
        Optional<Duration> d = backoff.nextDelay(failures, Duration.ZERO);
        long ms = d.map(Duration::toMillis).orElse(backoff.maxBackoff().toMillis());
        try {
            Thread.sleep(Math.max(100, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    private KafkaProducer<String, String> producer() {
        if (producer == null) {
            KafkaProducer<String, String> p = new KafkaProducer<>(config, new StringSerializer(),
                    new StringSerializer());
            try {
                p.initTransactions();
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
        }
        return producer;
    }

    private void abortQuietly() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            discard();
        }
    }

    private void discard() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(1));
            } catch (RuntimeException ignored) {
                // it is being replaced
            }
            producer = null;
        }
    }

    private static ProducerRecord<String, String> record(Outcome.Out o) {
        ProducerRecord<String, String> r = new ProducerRecord<>(o.topic(), o.partition(), o.key(), o.value());
        o.headers().forEach((k, v) -> r.headers().add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
        return r;
    }

    @Override
    public void close() {
        discard();
    }
}
