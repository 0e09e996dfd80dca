package dev.pix2pix.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreConfig;
import dev.pix2pix.store.StoreException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The secured local stack at the server level (one stack for the class): Kafka answers only TLS + SCRAM
 * (no plaintext port, controller included), refuses a wrong password and a user without ACLs, S3Proxy
 * answers only https with the stack's CA, and no secret is on a command line or in a file others can read.
 */
class SecureStackIT {
    private static Path dir;
    private static StackInfo info;

    @BeforeAll
    static void up() throws IOException {
        dir = Files.createTempDirectory("pix2pix-secure-stack-");
        info = LocalStack.up(dir, Set.of("tester"));
    }

    @AfterAll
    static void down() {
        if (dir != null) {
            LocalStack.down(dir);
            SharedStack.deleteTree(dir);
        }
    }

    private static Map<String, Object> client(Map<String, String> security) {
        Map<String, Object> p = new HashMap<>(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, info.bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000);
        return p;
    }

    @Test
    void theSuperUserManagesTopicsOverTls() throws Exception {
        try (Admin admin = Admin.create(client(info.security().kafkaSecurity().clientProperties(LocalStack.KAFKA_ADMIN)))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("secure.it.topic", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("secure.it.topic"));
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, String> wrong = info.security().kafkaSecurity().clientProperties("tester", "not-the-password");
        try (Admin admin = Admin.create(client(wrong))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeTopics(List.of("secure.it.any")).allTopicNames().get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void aUserWithoutAclsSeesNoTopic() {
        try (Admin admin = Admin.create(client(info.security().kafkaSecurity().clientProperties("tester")))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeTopics(List.of("secure.it.topic")).allTopicNames().get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void noPlaintextListener() throws Exception {
        String config = Files.readString(dir.resolve("kafka/server.properties"));
        String map = config.lines().filter(l -> l.startsWith("listener.security.protocol.map=")).findFirst().orElseThrow();
        assertFalse(map.contains("PLAINTEXT"), map);
        // a plaintext client on the client port and on the controller port gets no answer
        for (int port : List.of(info.kafkaPort(), info.kafkaControllerPort())) {
            Map<String, Object> p = client(Map.of());
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
            try (Admin admin = Admin.create(p)) {
                assertThrows(ExecutionException.class, () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS),
                        "plaintext must not work on port " + port);
            }
        }
        // and S3 speaks https only
        assertTrue(info.s3Endpoint().startsWith("https://127.0.0.1:"), info.s3Endpoint());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String plain = info.s3Endpoint().replace("https://", "http://") + "/";
        boolean answered;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(plain)).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            answered = r.body().contains("<Error>") || r.statusCode() == 200;
        } catch (IOException e) {
            answered = false;
        }
        assertFalse(answered, "S3Proxy must not serve S3 over http");
    }

    @Test
    void objectStoreOverHttpsWithTheStacksCa() {
        StoreConfig cfg = StoreConfig.of(info.s3Endpoint(), info.accessKey(), info.secretKey());
        try (ObjectStore store = new ObjectStore(cfg.withCaFile(info.security().caFile()))) {
            store.ensureBucket("secure-it");
            S3Uri uri = S3Uri.parse("s3://secure-it/hello.txt");
            store.put(uri, "over TLS".getBytes(StandardCharsets.UTF_8), "text/plain");
            assertEquals("over TLS", new String(store.get(uri), StandardCharsets.UTF_8));
        }
        try (ObjectStore untrusting = new ObjectStore(cfg.withRetry(StoreConfig.Retry.NONE))) {
            StoreException e = assertThrows(StoreException.class, () -> untrusting.stat(S3Uri.parse("s3://secure-it/hello.txt")));
            assertTrue(e.getMessage().contains("PIX2PIX_S3_CA_FILE"), "says how to trust the CA: " + e.getMessage());
        }
    }

    @Test
    void secretsStayPrivate() throws Exception {
        for (Path f : List.of(dir.resolve(LocalStack.STATE_FILE), dir.resolve("kafka/server.properties"),
                dir.resolve("s3/s3proxy.properties"), LocalStack.kafkaClientFile(dir, "tester"),
                LocalStack.kafkaClientFile(dir, LocalStack.KAFKA_ADMIN), dir.resolve("tls/server.p12"), dir.resolve("tls/ca.p12"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
        assertFalse(Files.exists(dir.resolve("kafka/.kafka-storage-format.args")), "the format's argument file is gone");
        List<String> secrets = new java.util.ArrayList<>(info.security().kafkaUsers().values());
        secrets.add(info.security().tlsPassword());
        secrets.add(info.secretKey());
        for (StackProcess p : info.processes()) {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.ISO_8859_1);
            for (String s : secrets) {
                assertFalse(cmdline.contains(s), p.name() + "'s command line shows a secret");
            }
        }
        String client = Files.readString(LocalStack.kafkaClientFile(dir, "tester"));
        assertTrue(client.contains("security.protocol=SASL_SSL") && client.contains("bootstrap.servers=" + info.bootstrapServers()),
                client.replaceAll("password=\"[^\"]*\"", "password=***"));
    }
}
