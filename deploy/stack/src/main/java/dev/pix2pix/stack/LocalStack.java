package dev.pix2pix.stack;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Kafka + S3Proxy for the CLI's {@code stack up} / {@code stack down}: detached processes that
 * outlive the launching JVM, recorded in {@code <dir>/stack.json} so that a later command finds
 * and stops them. Data persist in {@code <dir>/kafka} and {@code <dir>/s3/data} across restarts;
 * credentials and ports of the last run are reused (ports only if still free).
 */
public final class LocalStack {
    public static final String STATE_FILE = "stack.json";
    /** The last stopped stack, kept to reuse its credentials and ports on the next up. */
    static final String LAST_STATE_FILE = "stack.last.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private LocalStack() {}

    /**
     * {@code $PIX2PIX_STATE_DIR}, else system property {@code pix2pix.state.dir}, else
     * {@code $XDG_STATE_HOME/pix2pix}, else {@code ~/.local/state/pix2pix}.
     */
    public static Path defaultDir() {
        String explicit = System.getenv("PIX2PIX_STATE_DIR");
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getProperty("pix2pix.state.dir");
        }
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "pix2pix");
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "pix2pix");
    }

    /**
     * Starts Kafka and S3Proxy (detached) and records them in {@code dir/stack.json}. A server of the
     * recorded stack that still runs is kept (so a second up changes nothing); one that died is
     * started again with the same port (if free) and credentials. Blocks until both answer requests.
     */
    public static StackInfo up(Path dir) {
        return up(dir, null);
    }

    /** The super user of a secured stack's Kafka. */
    public static final String KAFKA_ADMIN = "admin";

    /**
     * {@link #up(Path)}, secured when {@code kafkaUsers} is not null or the stack in {@code dir} was secured
     * before: Kafka with SASL_SSL listeners only (SCRAM-SHA-512 users {@code kafkaUsers} plus
     * {@link #KAFKA_ADMIN}, passwords generated once and kept; ACLs enforced), S3Proxy over https only, and a
     * CA generated into {@code dir/tls}. Writes {@code dir/kafka-<user>.properties} (mode 600) for each user:
     * the client settings for {@code --command-config} or Kafka's own tools.
     */
    public static StackInfo up(Path dir, java.util.Set<String> kafkaUsers) {
        return locked(dir, () -> {
            Optional<StackInfo> current = readFile(dir.resolve(STATE_FILE));
            StackInfo previous = current.or(() -> readFile(dir.resolve(LAST_STATE_FILE))).orElse(null);
            StackInfo.Security security = security(dir, previous == null ? null : previous.security(), kafkaUsers);
            if (current.isPresent() && current.get().serversRunning()
                    && Objects.equals(current.get().security(), security)) {
                return current.get();
            }
            Optional<StackProcess> keptKafka = current.flatMap(c -> c.process(StackInfo.KAFKA))
                    .filter(StackProcess::running);
            Optional<StackProcess> keptS3 = current.flatMap(c -> c.process(StackInfo.S3PROXY))
                    .filter(StackProcess::running);

            if (current.isPresent() && !Objects.equals(current.get().security(), security)
                    && (keptKafka.isPresent() || keptS3.isPresent())) {
                throw new IllegalStateException("the stack in " + dir + " runs with other security settings; stop it "
                        + "first (pix2pix stack down)");
            }
            LocalTls tls = security == null ? null : LocalTls.ensure(Path.of(security.tlsDir()), security.tlsPassword());
            LocalKafka kafka = null;
            if (keptKafka.isEmpty()) {
                kafka = LocalKafka.start(dir.resolve("kafka"), new LocalKafka.Settings(
                        previous == null ? 0 : previous.kafkaPort(),
                        previous == null ? 0 : previous.kafkaControllerPort(), true)
                        // like compose and a managed cluster: only the declared topics exist
                        .withAutoCreateTopics(false)
                        .withSecurity(security == null ? null : security.kafkaSecurity()));
                if (security != null && previous != null && previous.security() != null) {
                    // users added since the storage was formatted (the format creates the first ones)
                    for (Map.Entry<String, String> u : security.kafkaUsers().entrySet()) {
                        if (!previous.security().kafkaUsers().containsKey(u.getKey())) {
                            kafka.upsertUser(u.getKey(), u.getValue());
                        }
                    }
                }
            }
            LocalS3 s3 = null;
            if (keptS3.isEmpty()) {
                try {
                    s3 = LocalS3.start(dir.resolve("s3"), new LocalS3.Settings(
                            previous == null ? 0 : FreePorts.preferOrPick(previous.s3Port()),
                            previous == null ? null : previous.accessKey(),
                            previous == null ? null : previous.secretKey(), true).withTls(tls));
                } catch (RuntimeException e) {
                    if (kafka != null) {
                        kafka.close();
                    }
                    throw e;
                }
            }
            List<StackProcess> processes = new ArrayList<>();
            processes.add(kafka == null ? keptKafka.get() : new StackProcess(StackInfo.KAFKA, kafka.pid(),
                    kafka.startedAt().toString(), kafka.logFile().toString()));
            processes.add(s3 == null ? keptS3.get() : new StackProcess(StackInfo.S3PROXY, s3.pid(),
                    s3.startedAt().toString(), s3.logFile().toString()));
            // workers recorded earlier stay recorded while they run
            current.ifPresent(c -> c.processes().stream()
                    .filter(p -> !p.name().equals(StackInfo.KAFKA) && !p.name().equals(StackInfo.S3PROXY))
                    .filter(StackProcess::running)
                    .forEach(processes::add));
            StackInfo info = new StackInfo(
                    kafka == null ? previous.bootstrapServers() : kafka.bootstrapServers(),
                    s3 == null ? previous.s3Endpoint() : s3.endpoint(),
                    s3 == null ? previous.accessKey() : s3.accessKey(),
                    s3 == null ? previous.secretKey() : s3.secretKey(),
                    LocalS3.REGION,
                    kafka == null ? previous.kafkaPort() : kafka.port(),
                    kafka == null ? previous.kafkaControllerPort() : kafka.controllerPort(),
                    s3 == null ? previous.s3Port() : s3.port(),
                    processes, security);
            write(dir.resolve(STATE_FILE), info);
            if (security != null) {
                writeClientFiles(dir, info);
            }
            return info;
        });
    }

    /** The security of the next up: the recorded one, with users added; generated for a first secured up. */
    private static StackInfo.Security security(Path dir, StackInfo.Security recorded, java.util.Set<String> wanted) {
        if (recorded == null && wanted == null) {
            return null;
        }
        Map<String, String> users = new TreeMap<>(recorded == null ? Map.of() : recorded.kafkaUsers());
        users.computeIfAbsent(KAFKA_ADMIN, u -> randomSecret());
        if (wanted != null) {
            for (String u : wanted) {
                users.computeIfAbsent(u, x -> randomSecret());
            }
        }
        return new StackInfo.Security(
                recorded == null ? dir.resolve("tls").toAbsolutePath().toString() : recorded.tlsDir(),
                recorded == null ? randomSecret() : recorded.tlsPassword(), KAFKA_ADMIN, users);
    }

    /** {@code kafka-<user>.properties} per Kafka user of a secured stack (mode 600), for --command-config. */
    private static void writeClientFiles(Path dir, StackInfo info) {
        LocalKafka.Security k = info.security().kafkaSecurity();
        for (String user : k.users().keySet()) {
            StringBuilder b = new StringBuilder("# Kafka client settings of user " + user + " of the local stack in "
                    + dir + "\n# (for --command-config of pix2pix and of Kafka's tools); written by stack up\n");
            b.append("bootstrap.servers=").append(info.bootstrapServers()).append('\n');
            k.clientProperties(user).forEach((key, v) -> b.append(key).append('=').append(v).append('\n'));
            PrivateFiles.write(kafkaClientFile(dir, user), b.toString());
        }
    }

    /** The client properties file of a secured stack's Kafka user. */
    public static Path kafkaClientFile(Path dir, String user) {
        return dir.resolve("kafka-" + user + ".properties");
    }

    private static String randomSecret() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    /**
     * Stops every recorded process, workers (added later) before the servers. Returns the stack
     * that was stopped, or empty if none was recorded. Data are kept.
     */
    public static Optional<StackInfo> down(Path dir) {
        return locked(dir, () -> {
            Path state = dir.resolve(STATE_FILE);
            Optional<StackInfo> info = readFile(state);
            if (info.isEmpty()) {
                return info;
            }
            List<StackProcess> stillRunning = stopAll(info.get());
            if (!stillRunning.isEmpty()) {
                throw new IllegalStateException("could not stop " + stillRunning + "; " + state + " kept");
            }
            try {
                Files.move(state, dir.resolve(LAST_STATE_FILE), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return info;
        });
    }

    /** The stack recorded in {@code dir}, if any (its processes may have died: see {@link StackInfo#serversRunning()}). */
    public static Optional<StackInfo> read(Path dir) {
        return readFile(dir.resolve(STATE_FILE));
    }

    /**
     * Records an extra process (e.g. a worker started by the CLI) so that {@link #down} stops it.
     * Use {@link StackProcess#of(String, ProcessHandle, String)} to describe it.
     */
    public static StackInfo addProcess(Path dir, StackProcess process) {
        return locked(dir, () -> {
            StackInfo info = readFile(dir.resolve(STATE_FILE)).orElseThrow(() ->
                    new IllegalStateException("no stack recorded in " + dir + "; run stack up first"));
            StackInfo updated = info.withProcess(process);
            write(dir.resolve(STATE_FILE), updated);
            return updated;
        });
    }

    /** Stops in reverse order of recording; returns the processes that did not stop. */
    private static List<StackProcess> stopAll(StackInfo info) {
        List<StackProcess> reversed = new ArrayList<>(info.processes());
        Collections.reverse(reversed);
        List<StackProcess> failed = new ArrayList<>();
        for (StackProcess p : reversed) {
            p.handle().ifPresent(h -> {
                if (!JavaProcess.stop(h, STOP_GRACE)) {
                    failed.add(p);
                }
            });
        }
        return failed;
    }

    private static Optional<StackInfo> readFile(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), StackInfo.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path file, StackInfo info) {
        try {
            // it holds the S3 secret key (and a secured stack's passwords): readable by the owner only
            PrivateFiles.write(file, JSON.writeValueAsString(info));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private interface Action<T> {
        T run();
    }

    /** Serialises up/down/addProcess between CLI invocations sharing one state dir. */
    private static <T> T locked(Path dir, Action<T> action) {
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve("stack.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return action.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir, e);
        }
    }
}
