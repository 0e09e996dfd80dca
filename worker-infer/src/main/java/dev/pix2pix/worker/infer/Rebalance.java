package dev.pix2pix.worker.infer;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Rebalance listeners of the three consumed channels (cooperative-sticky assignment: a scale
 * event moves only the partitions that change owner). A revoked partition is taken from the
 * channel's tracker first, so a shard in progress on it stops at an item boundary and is left
 * uncommitted; the listener waits for that before the partition goes, so its new owner never runs
 * it beside us. Outputs already written are skipped by the new owner (their metadata names the job).
 */
public abstract class Rebalance implements KafkaConsumerRebalanceListener {
    private static final Logger LOG = Logger.getLogger(Rebalance.class);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    ChannelRunners runners;

    abstract String channel();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        runners.tracker(channel()).assigned(consumer, partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        gone(consumer, partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        gone(null, partitions);
    }

    private void gone(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        runners.tracker(channel()).revoked(consumer, partitions);
        if (!runners.runner(channel()).awaitNoneOf(partitions, WAIT)) {
            LOG.warnf("%s: a message of revoked %s still in progress after %s", channel(), partitions, WAIT);
        }
    }

    @ApplicationScoped
    @Identifier("pix2pix-jobs-rebalance")
    public static class Jobs extends Rebalance {
        @Override
        String channel() {
            return ChannelRunners.JOBS;
        }
    }

    @ApplicationScoped
    @Identifier("pix2pix-shards-rebalance")
    public static class Shards extends Rebalance {
        @Override
        String channel() {
            return ChannelRunners.SHARDS;
        }
    }

    @ApplicationScoped
    @Identifier("pix2pix-done-rebalance")
    public static class Done extends Rebalance {
        @Override
        String channel() {
            return ChannelRunners.DONE;
        }
    }
}
