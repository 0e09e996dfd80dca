package dev.pix2pix.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSpecTest {
    @Test
    void replicationIsCappedAtTheBrokerCount() {
        TopicSpec shards = Topics.spec("translate-shards");
        assertEquals(1, shards.replicationFactorFor(1));
        assertEquals(2, shards.replicationFactorFor(2));
        assertEquals(3, shards.replicationFactorFor(5));
        assertEquals("1", shards.configsFor(1).get("min.insync.replicas"), "min ISR never above the replicas");
        assertEquals("2", shards.configsFor(3).get("min.insync.replicas"));
        assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", "259200000", "min.insync.replicas", "2"),
                shards.configsFor(3));
        assertThrows(IllegalArgumentException.class, () -> shards.replicationFactorFor(0));
    }

    @Test
    void namesAndVariables() {
        TopicSpec done = Topics.spec("translate-done");
        assertEquals("pix2pix.topics.translate-done", done.property());
        assertEquals("PIX2PIX_TOPICS_TRANSLATE_DONE", done.envVar());
        assertEquals(Topics.TRANSLATE_DONE, Topics.DEFAULTS.translateDone());
        assertEquals(Topics.TRANSLATE_DONE, Topics.configDefaults().get("pix2pix.topics.translate-done"));
    }

    @Test
    void whoUsesWhat() {
        assertEquals(List.of(Topics.TRAIN_JOBS, Topics.EVENTS, Topics.CONTROL, Topics.DLQ),
                Topics.usedBy(Party.WORKER_TRAIN).stream().map(TopicSpec::name).toList());
        assertEquals(List.of(Topics.TRANSLATE_JOBS, Topics.TRANSLATE_SHARDS, Topics.TRANSLATE_DONE, Topics.EVENTS,
                Topics.CONTROL, Topics.DLQ), Topics.usedBy(Party.WORKER_INFER).stream().map(TopicSpec::name).toList());
        TopicSpec done = Topics.spec("translate-done");
        assertTrue(done.producedBy(Party.WORKER_INFER) && done.readBy(Party.WORKER_INFER).isPresent(),
                "worker-infer both writes and reads the shard-done notes");
        assertTrue(Topics.spec("control").readBy(Party.WORKER_TRAIN).orElseThrow().perReplica());
    }

    @Test
    void environmentOverridesNames() {
        Topics t = Topics.fromEnv(Map.of("PIX2PIX_TOPICS_EVENTS", "team.events", "PIX2PIX_TOPICS_DLQ", " ")::get);
        assertEquals("team.events", t.events());
        assertEquals(Topics.DLQ, t.dlq(), "blank keeps the default");
        assertEquals("team.events", t.nameOf(Topics.spec("events")));
    }

    @Test
    void creationCoversOnlyWhatIsMissing() {
        Topics names = Topics.fromEnv(Map.of("PIX2PIX_TOPICS_CONTROL", "it.control")::get);
        List<TopicCreation> c = TopicCreation.missing(Topics.usedBy(Party.WORKER_TRAIN), names,
                java.util.Set.of(Topics.TRAIN_JOBS, Topics.EVENTS), 1);
        assertEquals(List.of("it.control", Topics.DLQ), c.stream().map(TopicCreation::name).toList());
        assertEquals(3, c.get(0).partitions());
        assertEquals(1, c.get(0).replicationFactor());
        assertEquals("86400000", c.get(0).configs().get("retention.ms"));
    }

    @Test
    void aclsFollowTheInventory() {
        List<TopicAcls.Acl> infer = TopicAcls.forParty(Party.WORKER_INFER, Topics.DEFAULTS);
        assertTrue(infer.contains(new TopicAcls.Acl("topic", Topics.TRANSLATE_DONE, false, "Write")));
        assertTrue(infer.contains(new TopicAcls.Acl("topic", Topics.TRANSLATE_DONE, false, "Read")));
        assertTrue(infer.contains(new TopicAcls.Acl("group", Topics.GROUP_INFER, false, "Read")));
        assertTrue(infer.contains(new TopicAcls.Acl("group", Topics.GROUP_INFER + "-control-", true, "Read")));
        assertEquals(1, infer.stream().filter(a -> a.name().equals(Topics.GROUP_INFER)).count(), "one rule per group");
        assertTrue(infer.stream().noneMatch(a -> a.name().equals(Topics.TRAIN_JOBS)), "worker-infer never touches train jobs");
        List<TopicAcls.Acl> cli = TopicAcls.forParty(Party.CLI, Topics.DEFAULTS);
        assertEquals(List.of(
                new TopicAcls.Acl("topic", Topics.TRAIN_JOBS, false, "Describe"), new TopicAcls.Acl("topic", Topics.TRAIN_JOBS, false, "Write"),
                new TopicAcls.Acl("topic", Topics.TRANSLATE_JOBS, false, "Describe"), new TopicAcls.Acl("topic", Topics.TRANSLATE_JOBS, false, "Write"),
                new TopicAcls.Acl("topic", Topics.EVENTS, false, "Describe"), new TopicAcls.Acl("topic", Topics.EVENTS, false, "Read"),
                new TopicAcls.Acl("topic", Topics.CONTROL, false, "Describe"), new TopicAcls.Acl("topic", Topics.CONTROL, false, "Write")), cli,
                "the CLI publishes jobs and cancels and reads events without a group");
    }
}
