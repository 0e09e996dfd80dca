package dev.pix2pix.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka 4.x (KRaft, combined broker + controller) in its own JVM, listening on
 * 127.0.0.1. Data, config and {@code kafka.log} live in the given directory; storage is formatted
 * on first start only, so a detached broker ({@code stack up}) keeps its topics across restarts.
 * With {@link Security} every listener is SASL_SSL (no plaintext port at all): SCRAM-SHA-512 users
 * created when the storage is formatted, ACLs enforced by the StandardAuthorizer.
 */
public final class LocalKafka implements AutoCloseable {
    /**
     * @param port             client port, 0 = pick a free one
     * @param controllerPort   KRaft controller port, 0 = pick a free one
     * @param detached         true: survive this JVM (stack up); false: die with it (tests)
     * @param autoCreateTopics the broker's {@code auto.create.topics.enable}: false = only topics created on
     *                         purpose exist (a producer to an undeclared topic fails, as on a managed cluster)
     */
    public record Settings(int port, int controllerPort, boolean detached, boolean autoCreateTopics, Security security) {
        public Settings(int port, int controllerPort, boolean detached) {
            this(port, controllerPort, detached, true, null);
        }

        public static Settings defaults() {
            return new Settings(0, 0, false);
        }

        public Settings withAutoCreateTopics(boolean on) {
            return new Settings(port, controllerPort, detached, on, security);
        }

        /** SASL_SSL instead of plaintext; null = plaintext. */
        public Settings withSecurity(Security s) {
            return new Settings(port, controllerPort, detached, autoCreateTopics, s);
        }
    }

    /**
     * A secured broker: every listener SASL_SSL with the certificate of {@code tls}. Clients and the broker
     * itself authenticate with SCRAM-SHA-512 ({@code users}, created when the storage is formatted; more with
     * {@link #upsertUser}); the controller listener with PLAIN as {@code superUser} (KRaft controllers cannot
     * read SCRAM credentials, which live in the metadata they serve). Only {@code superUser} may do anything
     * without an ACL.
     *
     * @param users user name -> password, {@code superUser} included
     */
    public record Security(LocalTls tls, String superUser, Map<String, String> users) {
        public static final String MECHANISM = "SCRAM-SHA-512";

        public Security {
            users = Map.copyOf(users);
            if (!users.containsKey(superUser)) {
                throw new IllegalArgumentException("the super user " + superUser + " needs a password in users");
            }
            users.forEach((u, pw) -> {
                if (!u.matches("[A-Za-z0-9._-]+") || !pw.matches("[A-Za-z0-9._-]+")) {
                    throw new IllegalArgumentException("user names and passwords: letters, digits, . _ - only");
                }
            });
        }

        /** Kafka client properties for {@code user} (one of {@link #users}): SASL_SSL, SCRAM-SHA-512, the stack's CA. */
        public Map<String, String> clientProperties(String user) {
            String pw = users.get(user);
            if (pw == null) {
                throw new IllegalArgumentException("no Kafka user " + user + " in this stack");
            }
            return clientProperties(user, pw);
        }

        /** The same for any user and password (e.g. a wrong one, in a test). */
        public Map<String, String> clientProperties(String user, String password) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("security.protocol", "SASL_SSL");
            p.put("sasl.mechanism", MECHANISM);
            p.put("sasl.jaas.config", scramJaas(user, password));
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", tls.caCert().toAbsolutePath().toString());
            return p;
        }

        static String scramJaas(String user, String password) {
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final ServerProcess server;
    private final Security security;

    private LocalKafka(Path dir, int port, int controllerPort, ServerProcess server, Security security) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.server = server;
        this.security = security;
    }

    /** Starts a broker tied to this JVM, on free ports, data in {@code dir}; returns once it serves requests. */
    public static LocalKafka start(Path dir) {
        return start(dir, Settings.defaults());
    }

    public static LocalKafka start(Path dir, Settings settings) {
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = settings.port() > 0 && attempt == 1 ? FreePorts.preferOrPick(settings.port()) : FreePorts.pick();
            int cport = settings.controllerPort() > 0 && attempt == 1
                    ? FreePorts.preferOrPick(settings.controllerPort()) : FreePorts.pick();
            if (cport == port) {
                cport = FreePorts.pick();
            }
            try {
                return startOnce(dir, port, cport, settings);
            } catch (IllegalStateException e) {
                // A free port may be taken between picking and binding: retry with fresh ports.
                if (!ServerProcess.isPortConflict(e)) {
                    throw e;
                }
                failure = e;
            }
        }
        throw failure;
    }

    private static LocalKafka startOnce(Path dir, int port, int cport, Settings settings) {
        try {
            Files.createDirectories(dir);
            Path data = dir.resolve("data");
            Path config = dir.resolve("server.properties");
            Path log = dir.resolve("kafka.log");
            Security security = settings.security();
            String mode = security == null ? "PLAINTEXT" : "SASL_SSL";
            Path modeFile = dir.resolve("listener-security");
            boolean formatted = Files.exists(data.resolve("meta.properties"));
            String formattedFor = !formatted ? mode
                    : Files.exists(modeFile) ? Files.readString(modeFile).strip() : "PLAINTEXT";
            if (!formattedFor.equals(mode)) {
                throw new IllegalStateException("the Kafka data in " + data + " belong to a " + formattedFor
                        + " broker and cannot serve a " + mode + " one (its users are in its metadata): use another "
                        + "state directory, or delete " + dir + " to start afresh");
            }
            // the config holds the broker's passwords when secured: owner only
            PrivateFiles.write(config, serverProperties(data, port, cport, settings));
            Files.writeString(dir.resolve("log4j2.properties"), LOG4J2);
            if (!formatted) {
                List<String> format = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(),
                        "-c", config.toString()));
                if (security != null) {
                    for (Map.Entry<String, String> u : new TreeMap<>(security.users()).entrySet()) {
                        format.add("--add-scram");
                        format.add(Security.MECHANISM + "=[name=" + u.getKey() + ",password=" + u.getValue() + "]");
                    }
                }
                // the passwords travel in an argument file, not on the command line (ps shows that)
                ServerProcess.runTool("kafka-storage-format", "kafka", dir, "kafka.tools.StorageTool", format,
                        log, Duration.ofSeconds(60), security != null);
                Files.writeString(modeFile, mode + "\n");
            }
            ServerProcess server = ServerProcess.start("kafka", "kafka", dir,
                    List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                            "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties")),
                    "kafka.Kafka", List.of(config.toString()), log,
                    settings.detached() ? ServerProcess.Lifetime.DETACHED : ServerProcess.Lifetime.TIED);
            LocalKafka kafka = new LocalKafka(dir, port, cport, server, security);
            server.awaitReady(START_TIMEOUT, kafka::answersRequests);
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka in " + dir, e);
        }
    }

    private static String serverProperties(Path data, int port, int cport, Settings settings) {
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + cport,
                "controller.listener.names=CONTROLLER",
                "log.dirs=" + data,
                "num.partitions=1",
                // single node: every internal topic has one replica
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // tests join consumer groups often; do not wait 3 s for more members
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=" + settings.autoCreateTopics()));
        Security sec = settings.security();
        if (sec == null) {
            lines.addAll(List.of(
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + cport,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"));
        } else {
            String admin = sec.superUser();
            String pw = sec.users().get(admin);
            lines.addAll(List.of(
                    // no plaintext listener at all: clients, the broker itself and the controller all use TLS + SASL
                    "listeners=CLIENTS://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + cport,
                    "advertised.listeners=CLIENTS://127.0.0.1:" + port,
                    "listener.security.protocol.map=CLIENTS:SASL_SSL,CONTROLLER:SASL_SSL",
                    "inter.broker.listener.name=CLIENTS",
                    "sasl.mechanism.inter.broker.protocol=" + Security.MECHANISM,
                    "listener.name.clients.sasl.enabled.mechanisms=" + Security.MECHANISM,
                    "listener.name.clients.scram-sha-512.sasl.jaas.config=" + Security.scramJaas(admin, pw),
                    "sasl.mechanism.controller.protocol=PLAIN",
                    "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                    "listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                            + " required username=\"" + admin + "\" password=\"" + pw + "\" user_" + admin + "=\"" + pw + "\";",
                    "ssl.keystore.type=PKCS12",
                    "ssl.keystore.location=" + sec.tls().serverKeystore().toAbsolutePath(),
                    "ssl.keystore.password=" + sec.tls().password(),
                    // the broker's own connections (to itself, to the controller) trust the stack's CA
                    "ssl.truststore.type=PEM",
                    "ssl.truststore.location=" + sec.tls().caCert().toAbsolutePath(),
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    "super.users=User:" + admin,
                    "allow.everyone.if.no.acl.found=false"));
        }
        lines.add("");
        return String.join("\n", lines);
    }

    private static final String LOG4J2 = String.join("\n",
            "status = warn",
            "appender.out.type = Console",
            "appender.out.name = OUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = info",
            "rootLogger.appenderRef.out.ref = OUT",
            "logger.kafka.name = kafka",
            "logger.kafka.level = warn",
            "logger.apache.name = org.apache.kafka",
            "logger.apache.level = warn",
            "logger.server.name = kafka.server.KafkaRaftServer",
            "logger.server.level = info",
            "");

    /** A real round trip: the broker lists itself as a cluster node. */
    private boolean answersRequests() throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        if (!FreePorts.accepting(port)) {
            return false;
        }
        try (Admin admin = Admin.create(adminConfig(3_000))) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        }
    }

    private Properties adminConfig(int timeoutMs) {
        Properties p = new Properties();
        p.putAll(clientConfig());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs * 2);
        return p;
    }

    /** "127.0.0.1:port", for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return FreePorts.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public long pid() {
        return server.pid();
    }

    Instant startedAt() {
        return server.startedAt();
    }

    public Path dir() {
        return dir;
    }

    public Path logFile() {
        return server.log();
    }

    /** Creates a topic (replication factor 1); an existing topic is left as it is. */
    public void createTopic(String name, int partitions) {
        createTopics(List.of(name), partitions);
    }

    /** Creates topics in one request (e.g. {@code Topics.DEFAULTS.all()}); existing ones are left as they are. */
    public void createTopics(java.util.Collection<String> names, int partitions) {
        try (Admin admin = Admin.create(adminConfig(10_000))) {
            var results = admin.createTopics(names.stream()
                    .map(n -> new NewTopic(n, partitions, (short) 1)).toList()).values();
            for (var e : results.entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause(),
                                ex.getCause());
                    }
                } catch (java.util.concurrent.TimeoutException ex) {
                    throw new IllegalStateException("timed out creating topic " + e.getKey() + " on "
                            + bootstrapServers(), ex);
                }
            }
            awaitDescribable(admin, names);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        }
    }

    /**
     * The controller has accepted a topic before the broker's metadata shows it: wait until a describe
     * finds every one, so that a caller can use the topics right away (on a loaded machine the gap was seen).
     */
    private void awaitDescribable(Admin admin, java.util.Collection<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " created but not visible on " + bootstrapServers(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Client properties pointing at this broker, e.g. as a base for producers/consumers in tests; for a
     * secured broker those of the super user.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (security != null) {
            m.putAll(security.clientProperties(security.superUser()));
        }
        return m;
    }

    /** The security of this broker; null when it is plaintext. */
    public Security security() {
        return security;
    }

    /** Creates these ACLs (as the super user). */
    public void createAcls(java.util.Collection<AclBinding> acls) {
        try (Admin admin = Admin.create(adminConfig(10_000))) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create ACLs on " + bootstrapServers() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Adds (or changes the password of) a SCRAM-SHA-512 user; it has no ACLs of its own. */
    public void upsertUser(String user, String password) {
        try (Admin admin = Admin.create(adminConfig(10_000))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot add Kafka user " + user + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the broker (SIGTERM, SIGKILL after a grace period). Data stay in {@link #dir()}. */
    @Override
    public void close() {
        server.close();
    }
}
