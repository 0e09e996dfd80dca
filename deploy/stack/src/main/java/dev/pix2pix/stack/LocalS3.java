package dev.pix2pix.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * S3Proxy in its own JVM on 127.0.0.1, storing objects as plain files under {@code <dir>/data}
 * (jclouds provider {@code filesystem-nio2}, which does not list directory markers), with AWS
 * signature v2/v4 authentication and generated (or given) credentials. Region: any (us-east-1).
 * With {@link Settings#tls()} it serves https only, with the stack's certificate. Its properties file
 * holds the credentials and is readable by the owner only.
 */
public final class LocalS3 implements AutoCloseable {
    /**
     * @param port      0 = pick a free one
     * @param accessKey null = generate
     * @param secretKey null = generate
     * @param detached  true: survive this JVM (stack up); false: die with it (tests)
     * @param tls       https with this material (no http endpoint); null = http
     */
    public record Settings(int port, String accessKey, String secretKey, boolean detached, LocalTls tls) {
        public Settings(int port, String accessKey, String secretKey, boolean detached) {
            this(port, accessKey, secretKey, detached, null);
        }

        public static Settings defaults() {
            return new Settings(0, null, null, false);
        }

        public Settings withTls(LocalTls t) {
            return new Settings(port, accessKey, secretKey, detached, t);
        }
    }

    /** Region to sign requests with; S3Proxy accepts any. */
    public static final String REGION = "us-east-1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private final ServerProcess server;
    private final LocalTls tls;

    private LocalS3(Path dir, int port, String accessKey, String secretKey, ServerProcess server, LocalTls tls) {
        this.dir = dir;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.server = server;
        this.tls = tls;
    }

    /** Starts S3Proxy tied to this JVM, free port, fresh credentials, data under {@code dir/data}. */
    public static LocalS3 start(Path dir) {
        return start(dir, Settings.defaults());
    }

    public static LocalS3 start(Path dir, Settings settings) {
        String access = settings.accessKey() != null ? settings.accessKey() : "pix2pix-" + randomHex(6);
        String secret = settings.secretKey() != null ? settings.secretKey() : randomHex(20);
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = settings.port() > 0 ? settings.port() : FreePorts.pick();
            try {
                return startOnce(dir, port, access, secret, settings.detached(), settings.tls());
            } catch (IllegalStateException e) {
                // Only a port we picked ourselves can be retried; a requested port is the caller's choice.
                if (settings.port() > 0 || !ServerProcess.isPortConflict(e)) {
                    throw e;
                }
                failure = e;
            }
        }
        throw failure;
    }

    private static LocalS3 startOnce(Path dir, int port, String access, String secret, boolean detached, LocalTls tls) {
        try {
            Path data = dir.resolve("data");
            Files.createDirectories(data);
            Path props = dir.resolve("s3proxy.properties");
            List<String> endpoint = tls == null ? List.of("s3proxy.endpoint=http://127.0.0.1:" + port)
                    : List.of("s3proxy.secure-endpoint=https://127.0.0.1:" + port,
                            "s3proxy.keystore-path=" + tls.serverKeystore().toAbsolutePath(),
                            "s3proxy.keystore-password=" + tls.password());
            PrivateFiles.write(props, String.join("\n", endpoint) + "\n" + String.join("\n",
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + access,
                    "s3proxy.credential=" + secret,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.identity=" + access,
                    "jclouds.credential=" + secret,
                    "jclouds.filesystem.basedir=" + data,
                    ""));
            Files.writeString(dir.resolve("logback.xml"), LOGBACK);
            ServerProcess server = ServerProcess.start("s3proxy", "s3proxy", dir,
                    List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                            "-Dlogback.configurationFile=" + dir.resolve("logback.xml")),
                    "org.gaul.s3proxy.Main", List.of("--properties", props.toString()),
                    dir.resolve("s3proxy.log"),
                    detached ? ServerProcess.Lifetime.DETACHED : ServerProcess.Lifetime.TIED);
            LocalS3 s3 = new LocalS3(dir, port, access, secret, server, tls);
            server.awaitReady(START_TIMEOUT, s3::answersRequests);
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare S3Proxy in " + dir, e);
        }
    }

    // jclouds logs every request at DEBUG, logback's default level.
    private static final String LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{ISO8601} %-5level %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """;

    /** A real round trip: an anonymous request is answered by S3Proxy with an S3 XML error. */
    private boolean answersRequests() throws IOException, InterruptedException {
        if (!FreePorts.accepting(port)) {
            return false;
        }
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tls != null) {
            b.sslContext(tls.clientContext());
        }
        HttpClient http = b.build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.body().contains("<Error>") || r.statusCode() == 200;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** "http://127.0.0.1:port", or https with TLS (path-style addressing). */
    public String endpoint() {
        return (tls == null ? "http://" : "https://") + FreePorts.HOST + ":" + port;
    }

    /** The TLS material of an https S3Proxy; null for http. */
    public LocalTls tls() {
        return tls;
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public String region() {
        return REGION;
    }

    /** Where buckets live on disk: one folder per bucket, one file per object. */
    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return server.pid();
    }

    Instant startedAt() {
        return server.startedAt();
    }

    public Path logFile() {
        return server.log();
    }

    public boolean isAlive() {
        return server.isAlive();
    }

    /** Stops S3Proxy. Objects stay in {@link #dataDir()}; a new start on the same dir sees them. */
    @Override
    public void close() {
        server.close();
    }
}
