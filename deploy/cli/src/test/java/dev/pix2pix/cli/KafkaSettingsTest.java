package dev.pix2pix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the job commands gather Kafka client settings, and how they explain Kafka's refusals. */
class KafkaSettingsTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"alice\" password=\"s3cret-pw\";";

    @Test
    void environmentVariablesNameClientPropertiesLikeTheWorkers() {
        Map<String, String> p = KafkaSettings.fromEnvironment(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ca.crt",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "KAFKA_BOOTSTRAP_SERVERS", "k:9093",
                "KAFKA_HOME", "/opt/kafka",
                "KAFKA_OPTS", "-Xmx1g",
                "PATH", "/bin"));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/ca.crt", "ssl.truststore.type", "PEM"), p,
                "only client properties; bootstrap servers are taken separately");
    }

    @Test
    void commandConfigOverridesTheEnvironmentAndMayNameTheCluster(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                # as for kafka-topics.sh --command-config
                bootstrap.servers=broker1:9093,broker2:9093
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=%s
                """.formatted(JAAS));
        KafkaSettings k = KafkaSettings.resolve(null, Map.of("KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ca.crt"), file, () -> {
                    throw new AssertionError("the local stack is not consulted when a cluster is named");
                });
        assertEquals("broker1:9093,broker2:9093", k.bootstrapServers());
        assertEquals("SASL_SSL", k.properties().get("security.protocol"), "the file wins over the environment");
        assertEquals("/etc/ca.crt", k.properties().get("ssl.truststore.location"), "the environment fills in the rest");
        assertFalse(k.properties().containsKey("bootstrap.servers"));
        assertEquals("broker1:9093,broker2:9093 (SASL_SSL, SCRAM-SHA-512 as alice)", k.describe());
        assertFalse(k.toString().contains("s3cret-pw"), k.toString());
    }

    @Test
    void theFlagNamesTheClusterAndTheStackIsLastResort() {
        KafkaSettings flag = KafkaSettings.resolve("a:1", Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:2"), null, () -> null);
        assertEquals("a:1", flag.bootstrapServers());
        KafkaSettings env = KafkaSettings.resolve(null, Map.of("KAFKA_BOOTSTRAP_SERVERS", "b:2"), null, () -> null);
        assertEquals("b:2", env.bootstrapServers());
        KafkaSettings stack = KafkaSettings.resolve(null, Map.of("KAFKA_SASL_MECHANISM", "SCRAM-SHA-256"), null,
                () -> new KafkaSettings("127.0.0.1:9", Map.of("security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-512"), "the local stack in /x"));
        assertEquals("127.0.0.1:9", stack.bootstrapServers());
        assertEquals("SASL_SSL", stack.properties().get("security.protocol"), "the stack's client properties apply");
        assertEquals("SCRAM-SHA-256", stack.properties().get("sasl.mechanism"), "the environment still overrides them");
        assertNull(KafkaSettings.resolve(null, Map.of(), null, () -> null), "nothing anywhere");
    }

    @Test
    void aMissingCommandConfigIsAnError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.resolve(null, Map.of(), dir.resolve("nope.properties"), () -> null));
        assertTrue(e.getMessage().contains("--command-config") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void theCommandsOwnSettingsCannotBeUndone() {
        KafkaSettings k = new KafkaSettings("h:1", Map.of("acks", "0", "ssl.truststore.type", "PEM"), "test");
        Properties p = k.clientProperties(Map.of("acks", "all"));
        assertEquals("all", p.get("acks"));
        assertEquals("PEM", p.get("ssl.truststore.type"));
        assertEquals("h:1", p.get("bootstrap.servers"));
    }

    @Test
    void refusalsAreExplained() {
        KafkaSettings secured = new KafkaSettings("127.0.0.1:9093", Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS), "test");
        String login = KafkaErrors.message(new KafkaException("wrapped", new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")),
                "reading pix2pix.events", secured);
        assertTrue(login.contains("refused the login") && login.contains("invalid credentials")
                && login.contains("as alice") && !login.contains("s3cret-pw"), login);
        String acl = KafkaErrors.message(new ExecutionException(new TopicAuthorizationException(Set.of("pix2pix.train.jobs"))),
                "publishing to pix2pix.train.jobs", secured);
        assertTrue(acl.contains("not authorized") && acl.contains("[pix2pix.train.jobs]") && acl.contains("ACL"), acl);
        String tls = KafkaErrors.message(new SslAuthenticationException("PKIX path building failed"), "reading x", secured);
        assertTrue(tls.contains("TLS handshake") && tls.contains("truststore"), tls);
        String plain = KafkaErrors.message(new TimeoutException("Timeout expired"), "reading x",
                KafkaSettings.plain("127.0.0.1:9093"));
        assertTrue(plain.contains("no answer") && plain.contains("--command-config"), "a plaintext client gets the hint: " + plain);
        String quiet = KafkaErrors.message(new TimeoutException("Timeout expired"), "reading x", secured);
        assertFalse(quiet.contains("--command-config FILE or"), quiet);
    }
}
