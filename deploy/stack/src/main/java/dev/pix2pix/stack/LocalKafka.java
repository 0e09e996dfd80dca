package dev.pix2pix.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka 4.x (KRaft, combined broker + controller) in its own JVM, listening on
 * 127.0.0.1. Data, config and {@code kafka.log} live in the given directory; storage is formatted
 * on first start only, so a detached broker ({@code stack up}) keeps its topics across restarts.
 */
public final class LocalKafka implements AutoCloseable {
    /**
     * @param port             client port, 0 = pick a free one
     * @param controllerPort   KRaft controller port, 0 = pick a free one
     * @param detached         true: survive this JVM (stack up); false: die with it (tests)
     * @param autoCreateTopics the broker's {@code auto.create.topics.enable}: false = only topics created on
     *                         purpose exist (a producer to an undeclared topic fails, as on a managed cluster)
     */
    public record Settings(int port, int controllerPort, boolean detached, boolean autoCreateTopics) {
        public Settings(int port, int controllerPort, boolean detached) {
            this(port, controllerPort, detached, true);
        }

        public static Settings defaults() {
            return new Settings(0, 0, false);
        }

        public Settings withAutoCreateTopics(boolean on) {
            return new Settings(port, controllerPort, detached, on);
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final ServerProcess server;

    private LocalKafka(Path dir, int port, int controllerPort, ServerProcess server) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.server = server;
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
            Files.writeString(config, serverProperties(data, port, cport, settings));
            Files.writeString(dir.resolve("log4j2.properties"), LOG4J2);
            if (!Files.exists(data.resolve("meta.properties"))) {
                ServerProcess.runTool("kafka-storage-format", "kafka", dir, "kafka.tools.StorageTool",
                        List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                        log, Duration.ofSeconds(60));
            }
            ServerProcess server = ServerProcess.start("kafka", "kafka", dir,
                    List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                            "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties")),
                    "kafka.Kafka", List.of(config.toString()), log,
                    settings.detached() ? ServerProcess.Lifetime.DETACHED : ServerProcess.Lifetime.TIED);
            LocalKafka kafka = new LocalKafka(dir, port, cport, server);
            server.awaitReady(START_TIMEOUT, kafka::answersRequests);
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Kafka in " + dir, e);
        }
    }

    private static String serverProperties(Path data, int port, int cport, Settings settings) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + cport,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + cport,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
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
                "auto.create.topics.enable=" + settings.autoCreateTopics(),
                "");
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
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        }
    }

    /** Client properties pointing at this broker, e.g. as a base for producers/consumers in tests. */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** Stops the broker (SIGTERM, SIGKILL after a grace period). Data stay in {@link #dir()}. */
    @Override
    public void close() {
        server.close();
    }
}
