package dev.pix2pix.worker;

import dev.pix2pix.msg.Party;
import dev.pix2pix.msg.TopicCreation;
import dev.pix2pix.msg.Topics;
import java.util.ArrayList;
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

/**
 * The workers' topic administration, where they are configured to create topics ({@code pix2pix.topics.create},
 * on for the local stack, off where Strimzi or compose's kafka-init declare them): the missing topics of what a
 * worker uses, as the inventory ({@link Topics}) declares them.
 */
public final class TopicAdmin {
    private TopicAdmin() {}

    /** The admin-client keys of the workers' Kafka connection (security included), with bounded timeouts. */
    public static Map<String, Object> adminConfig(Map<String, Object> kafka) {
        Map<String, Object> admin = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                admin.put(k, v);
            }
        });
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return admin;
    }

    /**
     * Creates the topics {@code party} uses that do not exist yet; the names created. A topic that another
     * replica creates at the same moment counts as there.
     */
    public static List<String> createMissing(Map<String, Object> kafka, Party party, Topics names) throws Exception {
        List<String> created = new ArrayList<>();
        try (Admin admin = Admin.create(adminConfig(kafka))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            for (TopicCreation c : TopicCreation.missing(Topics.usedBy(party), names, existing, brokers)) {
                try {
                    admin.createTopics(List.of(new NewTopic(c.name(), c.partitions(), c.replicationFactor())
                            .configs(c.configs()))).all().get(30, TimeUnit.SECONDS);
                    created.add(c.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        return created;
    }

    /** How many partitions {@code topic} has. */
    public static int partitions(Map<String, Object> kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(adminConfig(kafka))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        }
    }
}
