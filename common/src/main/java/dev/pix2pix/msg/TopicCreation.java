package dev.pix2pix.msg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topic to create, as the inventory declares it for a cluster of a given size: what the local stack
 * and a worker configured to create topics ({@code pix2pix.topics.create=true}) ask the broker for.
 *
 * @param configs topic configs (cleanup.policy, retention.ms, min.insync.replicas)
 */
public record TopicCreation(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    public TopicCreation {
        configs = Map.copyOf(configs);
    }

    /**
     * The topics of {@code specs} named by {@code names} that are not in {@code existing}, for a cluster of
     * {@code brokers} brokers.
     */
    public static List<TopicCreation> missing(List<TopicSpec> specs, Topics names, Set<String> existing, int brokers) {
        List<TopicCreation> out = new ArrayList<>();
        for (TopicSpec s : specs) {
            String name = names.nameOf(s);
            if (!existing.contains(name)) {
                out.add(new TopicCreation(name, s.partitions(), s.replicationFactorFor(brokers), s.configsFor(brokers)));
            }
        }
        return out;
    }
}
