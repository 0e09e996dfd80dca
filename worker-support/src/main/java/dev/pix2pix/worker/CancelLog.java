package dev.pix2pix.worker;

import dev.pix2pix.msg.CancelJob;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Validated;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the control topic from its beginning to its current end into a {@link CancelRegistry} at
 * start-up, before the worker takes any job, so that a cancel published while no replica ran is
 * known before that job's first message is handled (the control channel then follows new cancels).
 * Assigns partitions directly (no consumer group, nothing committed).
 */
public final class CancelLog {
    private static final Logger LOG = Logger.getLogger(CancelLog.class);

    private CancelLog() {}

    /** Returns the number of cancels read; gives up (logging why) after {@code timeout}. */
    public static int load(Map<String, ?> clientConfig, String topic, CancelRegistry registry, Duration timeout) {
        Map<String, Object> c = new HashMap<>();
        clientConfig.forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                c.put(k, v);
            }
        });
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "pix2pix-cancel-log");
        JobValidator validator = new JobValidator();
        long deadline = System.nanoTime() + timeout.toNanos();
        int n = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return 0;
            }
            List<TopicPartition> tps = new ArrayList<>();
            infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    LOG.warnf("read %d cancels of %s before giving up after %s; later ones arrive on the channel", n,
                            topic, timeout);
                    return n;
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    Validated<CancelJob> v = validator.cancel(r.value());
                    if (v.ok()) {
                        registry.cancel(v.value().jobId(), v.value().reason(), Instant.ofEpochMilli(r.timestamp()));
                        n++;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not read the cancels of %s at start (%s); they arrive on the channel", topic,
                    e.toString());
        }
        return n;
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
