package dev.pix2pix.worker.train;

import dev.pix2pix.msg.Party;
import dev.pix2pix.msg.TopicCreation;
import dev.pix2pix.msg.Topics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the missing topics this worker reads and writes when configured to
 * ({@code pix2pix.topics.create}), as the inventory declares them, before the messaging channels start
 * (so consumers do not wait on metadata of a topic that does not exist yet).
 */
@ApplicationScoped
public class TopicCreator {
    private static final Logger LOG = Logger.getLogger(TopicCreator.class);

    @Inject
    WorkerConfig cfg;

    @Inject
    Topics topics;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    // Runs before SmallRye Reactive Messaging wires the channels (which observes StartupEvent later).
    void onStart(@Observes @Priority(1) StartupEvent ev) {
        if (!cfg.topics().create()) {
            return;
        }
        Map<String, Object> admin = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                admin.put(k, v);
            }
        });
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin client = Admin.create(admin)) {
            Set<String> existing = client.listTopics().names().get(10, TimeUnit.SECONDS);
            int brokers = client.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
            for (TopicCreation c : TopicCreation.missing(Topics.usedBy(Party.WORKER_TRAIN), topics, existing, brokers)) {
                try {
                    client.createTopics(List.of(new NewTopic(c.name(), c.partitions(), c.replicationFactor())
                            .configs(c.configs()))).all().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topic %s (%d partitions)", c.name(), c.partitions());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            // Not fatal: the Kafka health check reports the broker; topics may be managed elsewhere.
            LOG.warnf("could not check/create topics: %s", e.toString());
        }
    }
}
