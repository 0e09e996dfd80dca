package dev.pix2pix.worker.infer;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Inject;
import java.util.ArrayList;
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
 * Creates missing topics at startup (shards and shard-done notes with the configured partition
 * count, which bounds how many replicas share one job) and tells the intake how many partitions the
 * shard topic really has. In Kubernetes Strimzi creates the topics and this finds them present.
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
        if (!cfg.infer().createTopics()) {
            return;
        }
        InferConfig.TopicNames t = cfg.topics();
        int p = cfg.infer().partitions();
        Map<String, Integer> wanted = new HashMap<>();
        wanted.put(t.translateJobs(), p);
        wanted.put(t.translateShards(), cfg.infer().shardPartitions());
        wanted.put(t.translateDone(), cfg.infer().shardPartitions());
        wanted.put(t.events(), p);
        wanted.put(t.control(), 1);
        wanted.put(t.dlq(), 1);
        try (Admin admin = Admin.create(adminConfig())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            wanted.forEach((name, partitions) -> {
                if (!existing.contains(name)) {
                    short rf = cfg.infer().replicationFactor();
                    create.add(new NewTopic(name, Optional.of(partitions),
                            rf > 0 ? Optional.of(rf) : Optional.empty()));
                }
            });
            if (!create.isEmpty()) {
                admin.createTopics(create).values().forEach((name, f) -> {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                        LOG.infof("created topic %s", name);
                    } catch (Exception ex) {
                        // another replica may have created it at the same moment
                        LOG.infof("topic %s not created here: %s", name, ex.getMessage());
                    }
                });
            }
        } catch (Exception ex) {
            LOG.warnf("could not check or create topics (they may be managed elsewhere): %s", ex.toString());
        }
    }

    /** Partitions of the shard topic (looked up once; the configured count if the lookup fails). */
    int shardPartitions() {
        if (shardPartitions == 0) {
            String name = cfg.topics().translateShards();
            try (Admin admin = Admin.create(adminConfig())) {
                TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(name);
                shardPartitions = d.partitions().size();
            } catch (Exception ex) {
                LOG.warnf("cannot describe %s, assuming %d partitions: %s", name, cfg.infer().shardPartitions(), ex);
                return cfg.infer().shardPartitions();
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
