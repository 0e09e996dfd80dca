package dev.pix2pix.msg;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka ACLs a party needs, derived from the topic inventory: Describe on every topic it uses, Read on
 * what it consumes and on its consumer groups (a prefix for per-replica groups), Write on what it
 * produces; Write on its transactional ids (a prefix: the workers publish each message's outcome in a
 * transaction); nothing else (no Create: topics are declared, not created by their users). The same rules
 * as the manifest validator's check of the KafkaUsers in {@code k8s/components/kafka-sasl}.
 */
public final class TopicAcls {
    /**
     * One allow rule.
     *
     * @param resourceType "topic", "group" or "transactionalId"
     * @param prefix       true: every name starting with {@code name}
     * @param operation    "Read", "Write" or "Describe"
     */
    public record Acl(String resourceType, String name, boolean prefix, String operation) {}

    private TopicAcls() {}

    /** What {@code party} needs on the topics named by {@code names}. */
    public static List<Acl> forParty(Party party, Topics names) {
        List<Acl> acls = new ArrayList<>();
        for (TopicSpec s : Topics.usedBy(party)) {
            String topic = names.nameOf(s);
            acls.add(new Acl("topic", topic, false, "Describe"));
            if (s.producedBy(party)) {
                acls.add(new Acl("topic", topic, false, "Write"));
            }
            s.readBy(party).ifPresent(r -> {
                acls.add(new Acl("topic", topic, false, "Read"));
                if (r.group() != null) {
                    Acl group = new Acl("group", r.group(), r.perReplica(), "Read");
                    if (!acls.contains(group)) {
                        acls.add(group);
                    }
                }
            });
        }
        if (party.transactionalIdPrefix() != null) {
            acls.add(new Acl("transactionalId", party.transactionalIdPrefix(), true, "Write"));
        }
        return acls;
    }
}
