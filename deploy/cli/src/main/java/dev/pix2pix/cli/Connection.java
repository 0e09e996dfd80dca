package dev.pix2pix.cli;

import dev.pix2pix.msg.Topics;
import dev.pix2pix.stack.LocalStack;
import dev.pix2pix.stack.StackInfo;
import dev.pix2pix.store.StoreConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Where Kafka and S3 are, for every job command: a flag, else its environment variable, else the
 * running local stack ({@code stack.json} in the stack's state directory, see {@code pix2pix stack up}).
 * Kafka security settings come as Kafka's own tools take them ({@code --command-config FILE}) or as the
 * workers do ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*}, {@code KAFKA_SSL_*}); see {@link KafkaSettings}.
 */
public final class Connection {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; default: the local stack's)")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*, any client setting), as "
                    + "kafka-topics.sh --command-config takes them; they override the KAFKA_* environment variables "
                    + "(KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG, "
                    + "KAFKA_SSL_TRUSTSTORE_LOCATION, ...)")
    Path commandConfig;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "S3 endpoint, e.g. http://127.0.0.1:9000 (env PIX2PIX_S3_ENDPOINT; default: the local stack's)")
    String s3Endpoint;

    @Option(names = "--s3-access-key", paramLabel = "KEY",
            description = "S3 access key (env PIX2PIX_S3_ACCESS_KEY; default: the local stack's)")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", paramLabel = "KEY",
            description = "S3 secret key (env PIX2PIX_S3_SECRET_KEY; default: the local stack's)")
    String s3SecretKey;

    @Option(names = "--s3-ca-file", paramLabel = "PEM",
            description = "CA certificate(s) to trust for an https S3 endpoint, besides the system's "
                    + "(env PIX2PIX_S3_CA_FILE; default: the local stack's)")
    Path s3CaFile;

    @Option(names = "--stack-dir", paramLabel = "DIR",
            description = "state directory of the local stack to read defaults from (default: $PIX2PIX_STATE_DIR "
                    + "or ~/.local/state/pix2pix)")
    Path stackDir;

    /** The environment; replaced in tests. */
    Map<String, String> env = System.getenv();

    private Optional<StackInfo> stack;

    public Connection() {}

    /** Explicit settings (the demo and tests); null values fall back like missing flags. */
    public static Connection of(String bootstrapServers, String endpoint, String accessKey, String secretKey) {
        Connection c = new Connection();
        c.bootstrapServers = bootstrapServers;
        c.s3Endpoint = endpoint;
        c.s3AccessKey = accessKey;
        c.s3SecretKey = secretKey;
        c.env = Map.of();
        return c;
    }

    /** Everything from the stack recorded in {@code dir}. */
    public static Connection ofStack(Path dir) {
        Connection c = new Connection();
        c.stackDir = dir;
        c.env = Map.of();
        return c;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** Bootstrap servers and client properties (TLS, SASL, ...) for the job commands. */
    public KafkaSettings kafka() {
        KafkaSettings k = KafkaSettings.resolve(bootstrapServers, env, commandConfig, this::stackKafka);
        if (k == null) {
            throw new IllegalStateException("no Kafka given: pass --bootstrap-servers, set KAFKA_BOOTSTRAP_SERVERS, "
                    + "put bootstrap.servers in --command-config FILE, or start the local stack with `pix2pix stack up` "
                    + "(none recorded in " + stackDir() + "; for another state dir pass --stack-dir DIR or set "
                    + "PIX2PIX_STATE_DIR)");
        }
        return k;
    }

    /** The running local stack's Kafka (with its client properties when it is secured), or null if none is recorded. */
    private KafkaSettings stackKafka() {
        Optional<StackInfo> s = localStack();
        if (s.isEmpty()) {
            return null;
        }
        requireRunning("--bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS");
        return new KafkaSettings(s.get().bootstrapServers(), StackClient.kafkaProperties(s.get()),
                "the local stack in " + stackDir());
    }

    public StoreConfig store() {
        String endpoint = pick(s3Endpoint, "PIX2PIX_S3_ENDPOINT", StackInfo::s3Endpoint, "the S3 endpoint", "--s3-endpoint");
        String access = pick(s3AccessKey, "PIX2PIX_S3_ACCESS_KEY", StackInfo::accessKey, "the S3 access key",
                "--s3-access-key");
        String secret = pick(s3SecretKey, "PIX2PIX_S3_SECRET_KEY", StackInfo::secretKey, "the S3 secret key",
                "--s3-secret-key");
        String region = env.get("PIX2PIX_S3_REGION");
        if (region == null || region.isBlank()) {
            region = localStack().map(StackInfo::region).orElse(null);
        }
        Path ca = s3CaFile;
        if (ca == null && env.get("PIX2PIX_S3_CA_FILE") != null && !env.get("PIX2PIX_S3_CA_FILE").isBlank()) {
            ca = Path.of(env.get("PIX2PIX_S3_CA_FILE"));
        }
        if (ca == null && endpoint.equals(localStack().map(StackInfo::s3Endpoint).orElse(null))) {
            ca = StackClient.caFile(localStack().get()); // the secured stack's own CA (null when plain)
        }
        return new StoreConfig(endpoint, access, secret, region, null, StoreConfig.Retry.DEFAULT).withCaFile(ca);
    }

    /** Topic names: the defaults, each overridable like the workers' (env PIX2PIX_TOPICS_*). */
    public Topics topics() {
        return Topics.fromEnv(env::get);
    }

    Path stackDir() {
        return stackDir != null ? stackDir : LocalStack.defaultDir();
    }

    private Optional<StackInfo> localStack() {
        if (stack == null) {
            stack = LocalStack.read(stackDir());
        }
        return stack;
    }

    private String pick(String flag, String var, Function<StackInfo, String> fromStack, String what, String option) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        String v = env.get(var);
        if (v != null && !v.isBlank()) {
            return v;
        }
        Optional<StackInfo> s = localStack();
        if (s.isPresent()) {
            requireRunning(option, var);
            return fromStack.apply(s.get());
        }
        throw new IllegalStateException("no " + what + " given: pass " + option + ", set " + var
                + ", or start the local stack with `pix2pix stack up` (none recorded in " + stackDir()
                + "; for another state dir pass --stack-dir DIR or set PIX2PIX_STATE_DIR)");
    }

    private void requireRunning(String option, String var) {
        if (!localStack().map(StackInfo::serversRunning).orElse(false)) {
            throw new IllegalStateException("the local stack in " + stackDir() + " is not running (its servers "
                    + "stopped): start it with `pix2pix stack up`, or give " + option + " / " + var);
        }
    }

    /** For messages: the settings without the secret. */
    Map<String, String> describe() {
        return Map.of("kafka", kafka().describe(), "s3Endpoint", store().endpoint());
    }
}
