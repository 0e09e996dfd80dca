package dev.pix2pix.msg;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One topic of the inventory ({@link Topics#INVENTORY}): its default name, how it is declared on a
 * cluster (partitions, replication, retention, cleanup policy) and who produces and consumes it. Every
 * declaration of the topics (Strimzi {@code KafkaTopic}s, compose's {@code kafka-init}, the local stack,
 * the workers' own creation, the validator's rules, the ACLs) is derived from these records.
 *
 * @param key               configuration key: {@code pix2pix.topics.<key>}, env {@code PIX2PIX_TOPICS_<KEY>}
 * @param name              default topic name
 * @param partitions        the most consumers of one group that can share the topic (a scaling limit)
 * @param replicas          replication factor on a production cluster (capped at the broker count)
 * @param minInsyncReplicas {@code min.insync.replicas} on a production cluster (capped at the replication factor)
 * @param retention         {@code retention.ms}
 * @param cleanupPolicy     {@code cleanup.policy}
 * @param internal          true: only workers use it; false: a public contract with clients
 * @param producers         who writes to it
 * @param readers           who reads it, and with which consumer group
 * @param keyedBy           what the record key is
 * @param content           what the records are, in a sentence
 */
public record TopicSpec(String key, String name, int partitions, int replicas, int minInsyncReplicas,
                        Duration retention, String cleanupPolicy, boolean internal, Set<Party> producers,
                        List<Reader> readers, String keyedBy, String content) {

    /**
     * A party reading the topic.
     *
     * @param party      who
     * @param group      consumer group; null = partitions assigned directly, no group (nothing committed)
     * @param perReplica true: {@code group} is a prefix completed by each replica's instance id, so that
     *                   every replica sees every record (the group ACL must be a prefix covering it)
     */
    public record Reader(Party party, String group, boolean perReplica) {
        public Reader {
            Objects.requireNonNull(party, "party");
            if (perReplica && (group == null || group.isEmpty())) {
                throw new IllegalArgumentException("a per-replica group needs a prefix");
            }
        }

        public static Reader group(Party party, String group) {
            return new Reader(party, group, false);
        }

        public static Reader perReplica(Party party, String groupPrefix) {
            return new Reader(party, groupPrefix, true);
        }

        public static Reader assigned(Party party) {
            return new Reader(party, null, false);
        }
    }

    public TopicSpec {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(name, "name");
        if (partitions < 1 || replicas < 1 || minInsyncReplicas < 1 || minInsyncReplicas > replicas) {
            throw new IllegalArgumentException(name + ": partitions, replicas >= 1 and 1 <= min.insync.replicas <= replicas");
        }
        producers = Set.copyOf(producers);
        readers = List.copyOf(readers);
    }

    /** {@code pix2pix.topics.<key>}: the property that names this topic in the workers. */
    public String property() {
        return "pix2pix.topics." + key;
    }

    /** {@code PIX2PIX_TOPICS_<KEY>}: the same property as an environment variable. */
    public String envVar() {
        return "PIX2PIX_TOPICS_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public boolean producedBy(Party p) {
        return producers.contains(p);
    }

    public Optional<Reader> readBy(Party p) {
        return readers.stream().filter(r -> r.party() == p).findFirst();
    }

    /** Produced or read by {@code p}. */
    public boolean usedBy(Party p) {
        return producedBy(p) || readBy(p).isPresent();
    }

    /**
     * The replication factor on a cluster of {@code brokers} brokers: the inventory's, capped at the
     * broker count (a single-node broker cannot hold three replicas).
     */
    public short replicationFactorFor(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be >= 1, got " + brokers);
        }
        return (short) Math.min(replicas, brokers);
    }

    /** Topic configs to create it with on a cluster of {@code brokers} brokers. */
    public Map<String, String> configsFor(int brokers) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cleanup.policy", cleanupPolicy);
        c.put("retention.ms", Long.toString(retention.toMillis()));
        c.put("min.insync.replicas", Integer.toString(Math.min(minInsyncReplicas, replicationFactorFor(brokers))));
        return c;
    }
}
