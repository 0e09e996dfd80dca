package dev.pix2pix.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pix2pix.msg.Party;
import dev.pix2pix.msg.TopicAcls;
import dev.pix2pix.msg.TopicCreation;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.stack.FreePorts;
import dev.pix2pix.stack.JavaProcess;
import dev.pix2pix.stack.LocalStack;
import dev.pix2pix.stack.StackInfo;
import dev.pix2pix.stack.StackProcess;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.StoreConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The whole local system for {@code stack up}: Kafka and S3Proxy ({@link LocalStack}), the pix2pix
 * topics, the bucket, and the two Quarkus workers started from their built {@code quarkus-run.jar}
 * as detached processes recorded in the stack, so that {@code stack down} stops them first.
 */
public final class LocalJobStack {
    /** The bucket created by {@code stack up}; the demo and the README use it. */
    public static final String BUCKET = "pix2pix";
    public static final List<String> WORKERS = List.of("worker-train", "worker-infer");
    static final String WORKERS_FILE = "workers.json";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

    private static final ObjectMapper JSON = dev.pix2pix.msg.Json.mapper();

    /** One worker as started by us: its HTTP port (health: /q/health/ready) and log. */
    public record Worker(String name, long pid, int httpPort, String log, String workDir) {
        public String readyUrl() {
            return "http://127.0.0.1:" + httpPort + "/q/health/ready";
        }
    }

    /** What {@link #up} brought up. */
    public record Running(StackInfo info, Map<String, Worker> workers) {}

    private LocalJobStack() {}

    /**
     * Starts (or keeps) Kafka and S3Proxy, creates the topics and the bucket, starts (or keeps) both
     * workers and waits until each answers {@code /q/health/ready}. On failure everything recorded in
     * {@code dir} is stopped again and the reason (with the log tail) is thrown.
     */
    public static Running up(Path dir, boolean withWorkers, PrintStream log) {
        return up(dir, withWorkers ? WORKERS : List.of(), log);
    }

    /** {@link #up(Path, boolean, PrintStream)} with a choice of workers (a subset of {@link #WORKERS}). */
    public static Running up(Path dir, List<String> names, PrintStream log) {
        return up(dir, names, false, log);
    }

    /** The Kafka users of a secured stack: one per party of the topic inventory (plus the stack's admin). */
    static final Set<String> KAFKA_USERS = Set.of(Party.CLI.id(), Party.WORKER_TRAIN.id(), Party.WORKER_INFER.id());

    /**
     * With {@code secure} (or when the stack in {@code dir} was secured before) Kafka listens with SASL_SSL only,
     * each party (CLI, worker-train, worker-infer) has its own SCRAM user with the ACLs of the topic
     * inventory and nothing more, the workers do not create topics, and S3 is https with the stack's CA.
     */
    public static Running up(Path dir, List<String> names, boolean secure, PrintStream log) {
        for (String n : names) {
            if (!WORKERS.contains(n)) {
                throw new IllegalArgumentException("unknown worker " + n + "; known: " + WORKERS);
            }
        }
        boolean withWorkers = !names.isEmpty();
        List<Path> jars = new ArrayList<>();
        for (String w : names) {
            jars.add(workerJar(w)); // fail before starting anything
        }
        long t0 = System.nanoTime();
        StackInfo info = secure ? LocalStack.up(dir, KAFKA_USERS) : LocalStack.up(dir);
        try {
            log.printf("kafka + s3proxy up%s (%.1f s)%n", info.secure() ? " (SASL_SSL, https)" : "",
                    (System.nanoTime() - t0) / 1e9);
            createTopics(adminSettings(info));
            if (info.secure()) {
                createAcls(info);
            }
            try (ObjectStore store = new ObjectStore(storeConfig(info))) {
                store.ensureBucket(BUCKET);
            }
            Map<String, Worker> workers = new LinkedHashMap<>();
            readWorkers(dir).forEach((n, w) -> {
                if (info.process(n).map(StackProcess::running).orElse(false)) {
                    workers.put(n, w); // a worker of an earlier up that still runs
                }
            });
            if (withWorkers) {
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get(i);
                    Worker known = workers.get(name);
                    if (known != null && info.process(name).map(StackProcess::running).orElse(false)) {
                        continue; // still running from an earlier up
                    }
                    Worker w = startWorker(dir, info, name, jars.get(i));
                    workers.put(name, w);
                    writeWorkers(dir, workers);
                    log.println(name + " starting (pid " + w.pid() + ", log " + w.log() + ")");
                }
                for (String name : names) {
                    Worker w = workers.get(name);
                    awaitReady(dir, w);
                    log.printf("%s ready on %s (%.1f s)%n", w.name(), w.readyUrl(), (System.nanoTime() - t0) / 1e9);
                }
            }
            return new Running(LocalStack.read(dir).orElse(info), workers);
        } catch (RuntimeException e) {
            log.println("stack up failed; stopping what was started in " + dir);
            try {
                down(dir);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Stops workers, then S3Proxy and Kafka; data stay in {@code dir}. */
    public static Optional<StackInfo> down(Path dir) {
        Optional<StackInfo> info = LocalStack.down(dir);
        try {
            Files.deleteIfExists(dir.resolve(WORKERS_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return info;
    }

    public static StoreConfig storeConfig(StackInfo info) {
        return new StoreConfig(info.s3Endpoint(), info.accessKey(), info.secretKey(), info.region(), null,
                StoreConfig.Retry.DEFAULT).withCaFile(StackClient.caFile(info));
    }

    /** The stack's Kafka as its super user (plaintext stack: no credentials at all). */
    static KafkaSettings adminSettings(StackInfo info) {
        return new KafkaSettings(info.bootstrapServers(), info.secure()
                ? info.security().kafkaSecurity().clientProperties(info.security().superUser()) : Map.of(),
                "the local stack's admin");
    }

    /** The inventory's ACLs of every party, for its own Kafka user. Creating an existing ACL changes nothing. */
    static void createAcls(StackInfo info) {
        List<AclBinding> bindings = new ArrayList<>();
        for (Party party : Party.values()) {
            for (TopicAcls.Acl a : TopicAcls.forParty(party, Topics.DEFAULTS)) {
                bindings.add(new AclBinding(new ResourcePattern(a.resourceType().equals("group") ? ResourceType.GROUP
                        : a.resourceType().equals("transactionalId") ? ResourceType.TRANSACTIONAL_ID : ResourceType.TOPIC, a.name(), a.prefix() ? PatternType.PREFIXED : PatternType.LITERAL),
                        new AccessControlEntry("User:" + party.id(), "*", AclOperation.fromString(a.operation()),
                                AclPermissionType.ALLOW)));
            }
        }
        try (Admin admin = Admin.create(adminSettings(info).clientProperties(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000)))) {
            admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw KafkaErrors.explain(e, "creating the ACLs", adminSettings(info));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The checkout {@code deploy/bin/pix2pix} runs from (-Dpix2pix.home), else the nearest parent of the cwd with worker-train/. */
    static Path home() {
        String h = System.getProperty("pix2pix.home");
        if (h != null && !h.isBlank()) {
            return Path.of(h);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("worker-train")) && Files.isDirectory(p.resolve("deploy"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find the pix2pix checkout (worker-train/): run deploy/bin/pix2pix from it");
    }

    static Path workerJar(String name) {
        Path jar = home().resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " is not built (no " + jar + "): build the workers with\n  mvn -B -q "
                    + "-DskipTests install -pl worker-train,worker-infer -am\nor start only Kafka and S3 with "
                    + "`pix2pix stack up --no-workers`");
        }
        return jar;
    }

    /** Every topic of the inventory, as k8s/ and compose declare it (replication capped at the one broker). */
    static void createTopics(KafkaSettings kafka) {
        String bootstrap = kafka.bootstrapServers();
        Properties p = kafka.clientProperties(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000));
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            for (TopicCreation t : TopicCreation.missing(Topics.INVENTORY, Topics.DEFAULTS, existing, brokers)) {
                try {
                    admin.createTopics(List.of(new NewTopic(t.name(), t.partitions(), t.replicationFactor())
                            .configs(t.configs()))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the topics on " + bootstrap + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating topics on " + bootstrap, e);
        }
    }

    private static Worker startWorker(Path dir, StackInfo info, String name, Path jar) {
        try {
            Path work = dir.resolve("work").resolve(name).toAbsolutePath();
            Path logs = dir.resolve("logs").toAbsolutePath();
            Files.createDirectories(work.resolve("tmp"));
            Files.createDirectories(logs);
            Path log = logs.resolve(name + ".log");
            int port = FreePorts.pick();
            int managementPort = FreePorts.pick();
            // JVM and HTTP settings on the command line; every connection setting (credentials included) in the
            // environment only, which other users cannot read (/proc/<pid>/environ is the owner's), unlike `ps`
            List<String> jvm = new ArrayList<>(List.of("-Xmx2g", "-XX:+AlwaysPreTouch", "-XX:+ExitOnOutOfMemoryError",
                    "-Djava.awt.headless=true", "-Dai.djl.offline=true", "-Djava.io.tmpdir=" + work.resolve("tmp"),
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort));
            String extra = System.getenv("PIX2PIX_WORKER_OPTS");
            if (extra != null && !extra.isBlank()) {
                jvm.addAll(List.of(extra.trim().split("\\s+")));
            }
            Map<String, String> env = new LinkedHashMap<>(workerEnvironment(info, name, work));
            // libtorch's OpenMP threads spin while waiting by default; on a small, busy machine (laptop,
            // builds running) that made training ~20x slower in our measurements; passive costs nothing idle
            if (System.getenv("OMP_WAIT_POLICY") == null) {
                env.put("OMP_WAIT_POLICY", "PASSIVE");
            }
            // fewer glibc arenas for libtorch's threads: resident memory stops creeping over long jobs (#3)
            if (System.getenv("MALLOC_ARENA_MAX") == null) {
                env.put("MALLOC_ARENA_MAX", "2");
            }
            JavaProcess p = JavaProcess.builder(name)
                    .jvmArgs(jvm)
                    .jar(jar)
                    .workDir(work)
                    .log(log)
                    .lifetime(JavaProcess.Lifetime.DETACHED)
                    // the stack's connection only: a Kafka or S3 setting of the calling shell (a company cluster)
                    // must not leak in
                    .dropInheritedEnv(k -> k.startsWith("KAFKA_") || k.startsWith("PIX2PIX_S3_")
                            || k.startsWith("PIX2PIX_TOPICS_"))
                    .env(env)
                    .start();
            LocalStack.addProcess(dir, StackProcess.of(name, p.handle(), log.toString()));
            return new Worker(name, p.pid(), port, log.toString(), work.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /**
     * A worker's connection settings, as environment variables (the names k8s/ uses): Kafka with the worker's
     * own user when the stack is secured, S3 with the stack's CA, the bucket allow-list, and topic creation
     * only on a plaintext stack (a secured one grants no Create; the stack creates the topics).
     */
    static Map<String, String> workerEnvironment(StackInfo info, String name, Path work) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", info.bootstrapServers());
        env.put("KAFKA_AUTO_OFFSET_RESET", "earliest");
        if (info.secure()) {
            info.security().kafkaSecurity().clientProperties(name).forEach((k, v) ->
                    env.put("KAFKA_" + k.toUpperCase(Locale.ROOT).replace('.', '_'), v));
            env.put("PIX2PIX_S3_CA_FILE", info.security().caFile().toString());
        }
        env.put("PIX2PIX_TOPICS_CREATE", Boolean.toString(!info.secure()));
        env.put("PIX2PIX_S3_ENDPOINT", info.s3Endpoint());
        env.put("PIX2PIX_S3_ACCESS_KEY", info.accessKey());
        env.put("PIX2PIX_S3_SECRET_KEY", info.secretKey());
        env.put("PIX2PIX_S3_REGION", info.region());
        env.put("PIX2PIX_S3_ALLOWED_BUCKETS", BUCKET);
        env.put("PIX2PIX_WORK_DIR", work.toString());
        return env;
    }

    private static void awaitReady(Path dir, Worker w) {
        ProcessHandle h = ProcessHandle.of(w.pid()).orElseThrow(() -> new IllegalStateException(w.name()
                + " exited during start-up; last lines of " + w.log() + ":\n" + JavaProcess.tail(Path.of(w.log()), 40)));
        JavaProcess.awaitReady(w.name(), h, Path.of(w.log()), READY_TIMEOUT, JavaProcess.http200(w.readyUrl()));
    }

    /** Is the worker answering its readiness check right now? */
    static String readiness(Worker w) {
        try {
            HttpResponse<String> r = JavaProcess.httpGet(w.readyUrl(), Duration.ofSeconds(3));
            return r.statusCode() == 200 ? "ready" : "not ready (HTTP " + r.statusCode() + ")";
        } catch (IOException e) {
            return "not answering";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    static Map<String, Worker> readWorkers(Path dir) {
        Path f = dir.resolve(WORKERS_FILE);
        if (!Files.exists(f)) {
            return Map.of();
        }
        try {
            return JSON.readValue(f.toFile(), new TypeReference<LinkedHashMap<String, Worker>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    private static void writeWorkers(Path dir, Map<String, Worker> workers) {
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(WORKERS_FILE).toFile(), workers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
