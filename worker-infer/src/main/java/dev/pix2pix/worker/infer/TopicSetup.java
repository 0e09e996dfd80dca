package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.Party;
import dev.pix2pix.msg.TopicCreation;
import dev.pix2pix.msg.Topics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
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
        Topics names = names(cfg.topics());
        try (Admin admin = Admin.create(adminConfig())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            List<TopicCreation> create = TopicCreation.missing(Topics.usedBy(Party.WORKER_INFER), names, existing, brokers);
            if (create.isEmpty()) {
                return;
            }
            admin.createTopics(create.stream().map(c -> new NewTopic(c.name(), Optional.of(c.partitions()),
                    Optional.of(c.replicationFactor())).configs(c.configs())).toList()).values().forEach((name, f) -> {
                        try {
                            f.get(30, TimeUnit.SECONDS);
                            LOG.infof("created topic %s", name);
                        } catch (Exception ex) {
                            // another replica may have created it at the same moment
                            LOG.infof("topic %s not created here: %s", name, ex.getMessage());
                        }
                    });
        } catch (Exception ex) {
            LOG.warnf("could not check or create topics (they may be managed elsewhere): %s", ex.toString());
        }
    }

    /** The configured names. */
    static Topics names(InferConfig.TopicNames t) {
        return new Topics(t.trainJobs(), t.translateJobs(), t.translateShards(), t.translateDone(), t.events(),
                t.control(), t.dlq());
    }

    /** Partitions of the shard topic (looked up once; the inventory's count if the lookup fails). */
    int shardPartitions() {
        if (shardPartitions == 0) {
            String name = cfg.topics().translateShards();
            try (Admin admin = Admin.create(adminConfig())) {
                TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(name);
                shardPartitions = d.partitions().size();
            } catch (Exception ex) {
                int declared = Topics.spec("translate-shards").partitions();
                LOG.warnf("cannot describe %s, assuming the declared %d partitions: %s", name, declared, ex);
                return declared;
            }
        }
        return shardPartitions;
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> c = new HashMap<>(kafkaConfig);
        c.put("request.timeout.ms", 15_000);
        c.put("default.api.timeout.ms", 30_000);
        // consumer/producer-only keys make the admin client log warnings; it ignores them otherwise
        return c;
    }
}
