package dev.pix2pix.msg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The deployment files that declare topics agree with the inventory ({@link Topics#INVENTORY}): the
 * generated ones are exactly what {@link TopicManifests} renders, and the validator's hand-written policy
 * names the topics and groups the workers really use. {@code -Dpix2pix.regenerate=true} rewrites the
 * generated files instead of failing.
 */
class TopicManifestsTest {
    private static final Path ROOT = TestData.checkout();
    private static final Path STRIMZI = ROOT.resolve("k8s/base/kafka-topics/topics.yaml");
    private static final Path VALIDATOR = ROOT.resolve("k8s/validate/topics.json");
    private static final Path COMPOSE = ROOT.resolve("deploy/docker-compose.yml");
    private static final Path POLICY = ROOT.resolve("k8s/validate/policy.json");
    private static final boolean REGENERATE = Boolean.getBoolean("pix2pix.regenerate");

    @Test
    void strimziTopicsAreGenerated() throws IOException {
        upToDate(STRIMZI, TopicManifests.strimziTopics());
    }

    @Test
    void validatorInventoryIsGenerated() throws IOException {
        upToDate(VALIDATOR, TopicManifests.validatorJson());
    }

    @Test
    void composeInitCreatesTheInventory() throws IOException {
        String compose = Files.readString(COMPOSE, StandardCharsets.UTF_8);
        int begin = compose.indexOf(TopicManifests.COMPOSE_BEGIN);
        int end = compose.indexOf(TopicManifests.COMPOSE_END, Math.max(begin, 0));
        assertTrue(begin > 0 && end > begin, COMPOSE + " has no generated block between '" + TopicManifests.COMPOSE_BEGIN
                + "' and '" + TopicManifests.COMPOSE_END + "' in kafka-init");
        int lineStart = compose.lastIndexOf('\n', begin) + 1;
        int lineEnd = compose.indexOf('\n', end) + 1;
        String indent = compose.substring(lineStart, begin);
        String expected = TopicManifests.composeInitLines(indent);
        String actual = compose.substring(lineStart, lineEnd);
        if (!expected.equals(actual)) {
            if (REGENERATE) {
                Files.writeString(COMPOSE, compose.substring(0, lineStart) + expected + compose.substring(lineEnd));
                return;
            }
            assertEquals(expected, actual, COMPOSE + ": kafka-init's topics differ from dev.pix2pix.msg.Topics; "
                    + "regenerate with: " + TopicManifests.REGENERATE);
        }
    }

    @Test
    void everyTopicHasOneProducerAndDistinctNames() {
        Set<String> names = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (TopicSpec s : Topics.INVENTORY) {
            assertTrue(names.add(s.name()), "duplicate name " + s.name());
            assertTrue(keys.add(s.key()), "duplicate key " + s.key());
            assertFalse(s.producers().isEmpty(), s.name() + " has no producer");
            assertTrue(s.name().startsWith("pix2pix."), s.name() + ": the ACLs and prefixes assume pix2pix.*");
        }
        assertEquals(Topics.INVENTORY.size(), Topics.DEFAULTS.all().size());
    }

    /**
     * policy.json is hand-written: it must ask every worker Deployment for the variable of each topic the
     * worker uses (and for topic creation to be off), and scale each worker on a topic it reads with the
     * group it reads it with.
     */
    @Test
    void validatorPolicyMatchesTheInventory() throws IOException {
        JsonNode k8s = Json.mapper().readTree(POLICY.toFile()).path("kubernetes");
        List<String> problems = new ArrayList<>();
        for (Party worker : List.of(Party.WORKER_TRAIN, Party.WORKER_INFER)) {
            Set<String> required = new HashSet<>();
            k8s.path("requiredEnv").path(worker.id()).forEach(n -> required.add(n.asText()));
            for (TopicSpec s : Topics.usedBy(worker)) {
                if (!required.contains(s.envVar())) {
                    problems.add("requiredEnv." + worker.id() + " lacks " + s.envVar() + " (" + worker.id() + " uses "
                            + s.name() + ")");
                }
            }
            if (!"false".equals(k8s.path("requiredEnvValues").path(worker.id()).path("PIX2PIX_TOPICS_CREATE").asText())) {
                problems.add("requiredEnvValues." + worker.id() + ".PIX2PIX_TOPICS_CREATE must be \"false\"");
            }
            k8s.path("scaledObjects").path(worker.id()).path("triggers").fields().forEachRemaining(t -> {
                String topic = t.getValue().path("topic").asText();
                String group = t.getValue().path("consumerGroup").asText();
                TopicSpec s = Topics.INVENTORY.stream().filter(x -> x.name().equals(topic)).findFirst().orElse(null);
                if (s == null) {
                    problems.add("scaledObjects." + worker.id() + "." + t.getKey() + ": " + topic + " is not in the inventory");
                } else if (s.readBy(worker).map(r -> !group.equals(r.group()) || r.perReplica()).orElse(true)) {
                    problems.add("scaledObjects." + worker.id() + "." + t.getKey() + ": " + worker.id() + " does not read "
                            + topic + " with group " + group);
                }
            });
        }
        if (!problems.isEmpty()) {
            fail(POLICY + " disagrees with dev.pix2pix.msg.Topics:\n  " + String.join("\n  ", problems));
        }
    }

    private static void upToDate(Path file, String expected) throws IOException {
        String actual = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        if (expected.equals(actual)) {
            return;
        }
        if (REGENERATE) {
            Files.writeString(file, expected, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, actual, file + " differs from dev.pix2pix.msg.Topics; regenerate with: "
                + TopicManifests.REGENERATE);
    }
}
