package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.Party;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.worker.TopicAdmin;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Creates the missing topics worker-infer uses at startup when configured to
 * ({@code pix2pix.topics.create}), as the inventory declares them, and tells the intake how many
 * partitions the shard topic really has. Where the topics are declared (Strimzi, compose's kafka-init)
 * creation is off and the worker only uses what is there.
 */
@ApplicationScoped
public class TopicSetup {
    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;
    @Inject
    InferConfig cfg;

    private volatile int shardPartitions;

    /** Before the messaging channels start (their consumers must not find the topics missing). */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent e) {
        if (!cfg.topics().create()) {
            return;
        }
        try {
            for (String name : TopicAdmin.createMissing(kafkaConfig, Party.WORKER_INFER, cfg.topics().toTopics())) {
                LOG.infof("created topic %s", name);
            }
        } catch (Exception ex) {
            // not fatal: the Kafka health check reports the broker; topics may be managed elsewhere
            LOG.warnf("could not check or create topics (they may be managed elsewhere): %s", ex.toString());
        }
    }

    /** Partitions of the shard topic (looked up once; the inventory's count if the lookup fails). */
    int shardPartitions() {
        if (shardPartitions == 0) {
            String name = cfg.topics().translateShards();
            try {
                shardPartitions = TopicAdmin.partitions(kafkaConfig, name);
            } catch (Exception ex) {
                int declared = Topics.spec("translate-shards").partitions();
                LOG.warnf("cannot describe %s, assuming the declared %d partitions: %s", name, declared, ex);
                return declared;
            }
        }
        return shardPartitions;
    }
}
