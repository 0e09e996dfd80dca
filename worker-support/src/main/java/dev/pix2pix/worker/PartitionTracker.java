package dev.pix2pix.worker;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions a channel's consumer owns now and its group membership, as told by its rebalance
 * listener (on the consumer's polling thread). The transactional publisher commits a message only
 * while its partition is ours, with the current group metadata, so a partition that moved to
 * another replica is committed by that replica alone (the broker fences stale generations too).
 */
public final class PartitionTracker {
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private volatile ConsumerGroupMetadata group;

    public void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
        group = consumer.groupMetadata();
    }

    /** Revoked or lost: no longer ours (before the consumer gives them up). */
    public void revoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owned.removeAll(partitions);
        if (consumer != null) {
            group = consumer.groupMetadata();
        }
    }

    public boolean owns(TopicPartition tp) {
        return owned.contains(tp);
    }

    /** The consumer's group metadata as of the last rebalance (null before the first assignment). */
    public ConsumerGroupMetadata group() {
        return group;
    }
}
