package dev.pix2pix.worker.train;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * When the partition of the job being trained moves to another replica (a rebalance after scaling,
 * or this consumer's session was lost), the new owner will get the job again and resume it from S3:
 * so stop ours first (it checkpoints and uploads) and only then let the rebalance go on, so that two
 * replicas never train the same job into the same output.
 */
@ApplicationScoped
@Identifier(TrainRebalanceListener.NAME)
public class TrainRebalanceListener implements KafkaConsumerRebalanceListener {
    public static final String NAME = "pix2pix-train-rebalance";

    @Inject
    TrainJobConsumer jobs;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        jobs.assigned(consumer, partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        jobs.partitionsGone(consumer, partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        jobs.partitionsGone(null, partitions);
    }
}
