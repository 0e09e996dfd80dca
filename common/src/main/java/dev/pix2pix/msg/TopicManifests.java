package dev.pix2pix.msg;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The declarations of {@link Topics#INVENTORY} in the deployment files, rendered as text:
 * {@code k8s/base/kafka-topics/topics.yaml} (Strimzi), the topic lines of compose's {@code kafka-init}
 * and {@code k8s/validate/topics.json} (what the manifest validator checks Deployments, KafkaUsers and
 * compose against). The files are committed; {@code TopicManifestsTest} fails when one differs from
 * what this renders and rewrites them with {@code -Dpix2pix.regenerate=true}.
 */
public final class TopicManifests {
    /** The command that rewrites the generated files, quoted in their headers. */
    public static final String REGENERATE =
            "mvn -B -pl common surefire:test -Dtest=TopicManifestsTest -Dpix2pix.regenerate=true";
    /** Marker lines around the generated part of compose's kafka-init script. */
    public static final String COMPOSE_BEGIN = "# BEGIN topics (generated from dev.pix2pix.msg.Topics)";
    public static final String COMPOSE_END = "# END topics";

    private TopicManifests() {}

    /** {@code k8s/base/kafka-topics/topics.yaml}. */
    public static String strimziTopics() {
        StringBuilder y = new StringBuilder();
        y.append("# GENERATED from the topic inventory dev.pix2pix.msg.Topics: do not edit here. Change the\n")
                .append("# inventory, then regenerate this file, compose's kafka-init and k8s/validate/topics.json:\n")
                .append("#   ").append(REGENERATE).append('\n')
                .append("#\n")
                .append("# Partition counts are scaling limits, not just throughput knobs: a consumer group has at\n")
                .append("# most one active consumer per partition and the KEDA ScaledObjects use\n")
                .append("# allowIdleConsumers=false, so maxReplicaCount <= partitions of the topic they scale on\n")
                .append("# (the validator fails the build otherwise). Partitions can be increased later, never\n")
                .append("# decreased; that remaps keys to partitions, which matters for the keyed topics while a job\n")
                .append("# spans the change.\n");
        boolean first = true;
        for (TopicSpec s : Topics.INVENTORY) {
            if (!first) {
                y.append("---\n");
            }
            first = false;
            y.append("apiVersion: kafka.strimzi.io/v1beta2\n")
                    .append("kind: KafkaTopic\n")
                    .append("metadata:\n")
                    .append("  name: ").append(resourceName(s)).append('\n')
                    .append("spec:\n")
                    .append("  topicName: ").append(s.name()).append('\n');
            for (String line : wrap((s.internal() ? "Internal. " : "") + capitalise(s.content()) + ". Key: "
                    + s.keyedBy() + ". " + usage(s) + ".", 90)) {
                y.append("  # ").append(line).append('\n');
            }
            y.append("  partitions: ").append(s.partitions()).append('\n')
                    .append("  replicas: ").append(s.replicas()).append('\n')
                    .append("  config:\n")
                    .append("    cleanup.policy: ").append(s.cleanupPolicy()).append('\n')
                    .append("    retention.ms: ").append(s.retention().toMillis()).append(" # ")
                    .append(humanDuration(s.retention())).append('\n')
                    .append("    min.insync.replicas: ").append(s.minInsyncReplicas()).append('\n');
        }
        return y.toString();
    }

    /**
     * The generated lines of compose's kafka-init script (markers included), indented by
     * {@code indent}: one {@code create NAME PARTITIONS RETENTION_MS CLEANUP_POLICY} per topic.
     */
    public static String composeInitLines(String indent) {
        int width = Topics.INVENTORY.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        StringBuilder b = new StringBuilder(indent).append(COMPOSE_BEGIN).append('\n');
        for (TopicSpec s : Topics.INVENTORY) {
            b.append(indent).append(String.format(Locale.ROOT, "create %-" + width + "s %3d %11d %s", s.name(),
                    s.partitions(), s.retention().toMillis(), s.cleanupPolicy())).append('\n');
        }
        return b.append(indent).append(COMPOSE_END).append('\n').toString();
    }

    /** {@code k8s/validate/topics.json}: the inventory as the node validator reads it. */
    public static String validatorJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generated", "from dev.pix2pix.msg.Topics; regenerate with: " + REGENERATE);
        List<Map<String, Object>> topics = new ArrayList<>();
        for (TopicSpec s : Topics.INVENTORY) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("key", s.key());
            t.put("name", s.name());
            t.put("env", s.envVar());
            t.put("resource", resourceName(s));
            t.put("partitions", s.partitions());
            t.put("replicas", s.replicas());
            t.put("minInsyncReplicas", s.minInsyncReplicas());
            t.put("retentionMs", s.retention().toMillis());
            t.put("cleanupPolicy", s.cleanupPolicy());
            t.put("internal", s.internal());
            t.put("producers", s.producers().stream().sorted().map(Party::id).toList());
            List<Map<String, Object>> readers = new ArrayList<>();
            for (TopicSpec.Reader r : s.readers()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("party", r.party().id());
                if (r.group() != null) {
                    m.put("group", r.group());
                }
                m.put("perReplica", r.perReplica());
                readers.add(m);
            }
            t.put("readers", readers);
            topics.add(t);
        }
        root.put("topics", topics);
        Map<String, Object> tx = new java.util.LinkedHashMap<>();
        for (Party p : Party.values()) {
            if (p.transactionalIdPrefix() != null) {
                tx.put(p.id(), p.transactionalIdPrefix());
            }
        }
        root.put("transactionalIds", tx);
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code pix2pix-train-jobs}: the KafkaTopic object's name. */
    public static String resourceName(TopicSpec s) {
        return "pix2pix-" + s.key();
    }

    private static String usage(TopicSpec s) {
        String produced = s.producers().stream().sorted().map(Party::id).collect(Collectors.joining(", "));
        String read = s.readers().isEmpty() ? "operators only" : s.readers().stream()
                .map(r -> r.party().id() + (r.group() == null ? " (partitions assigned, no group)"
                        : r.perReplica() ? " (a group " + r.group() + "<instance> per replica)" : " (group " + r.group() + ")"))
                .collect(Collectors.joining(", "));
        return "Produced by " + produced + "; read by " + read;
    }

    static String humanDuration(Duration d) {
        long days = d.toDays();
        if (days * 86_400_000L == d.toMillis()) {
            return days == 1 ? "1 day" : days + " days";
        }
        long hours = d.toHours();
        if (hours * 3_600_000L == d.toMillis()) {
            return hours == 1 ? "1 hour" : hours + " hours";
        }
        return d.toMillis() + " ms";
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
