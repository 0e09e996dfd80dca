package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.MessageRunner;
import dev.pix2pix.worker.OutageMonitor;
import dev.pix2pix.worker.PartitionTracker;
import dev.pix2pix.worker.TxPublisher;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link MessageRunner} (thread + transactional publisher) and one {@link PartitionTracker} per
 * consumed channel: intake, shards and shard-done notes run side by side, each one message at a time.
 */
@ApplicationScoped
public class ChannelRunners {
    static final String JOBS = "translate-jobs";
    static final String SHARDS = "translate-shards";
    static final String DONE = "translate-done";

    @Inject
    InferConfig cfg;
    @Inject
    OutageMonitor outages;
    @Inject
    DeadLetters deadLetters;
    @Inject
    Lifecycle lifecycle;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    private final Map<String, PartitionTracker> trackers = new ConcurrentHashMap<>();
    private final Map<String, MessageRunner> runners = new ConcurrentHashMap<>();

    PartitionTracker tracker(String channel) {
        return trackers.computeIfAbsent(channel, c -> new PartitionTracker());
    }

    MessageRunner runner(String channel) {
        return runners.computeIfAbsent(channel, c -> new MessageRunner("pix2pix-" + c, deadLetters, tracker(c),
                new TxPublisher(kafkaConfig, c,
                        dev.pix2pix.msg.Party.WORKER_INFER.transactionalId(cfg.instanceId(), c), outages, cfg.outage().toPolicy()),
                lifecycle::stopping, cfg.delivery().attempts(), Duration.ofSeconds(2)));
    }

    @PreDestroy
    void close() {
        runners.values().forEach(MessageRunner::close);
    }
}
