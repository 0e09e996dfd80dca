package dev.pix2pix.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One Kafka and one S3Proxy per test JVM, each started lazily on first use and stopped (and its
 * temporary directory deleted) when the JVM exits. Tests share them, so each test should use its
 * own topic names / bucket names or key prefixes.
 *
 * <pre>{@code
 * LocalKafka kafka = SharedStack.kafka();   // kafka.bootstrapServers()
 * LocalS3 s3 = SharedStack.s3();            // s3.endpoint(), s3.accessKey(), s3.secretKey()
 * }</pre>
 */
public final class SharedStack {
    private static LocalKafka kafka;
    private static LocalS3 s3;

    private SharedStack() {}

    public static synchronized LocalKafka kafka() {
        if (kafka == null) {
            Path dir = tempDir("pix2pix-kafka-");
            try {
                kafka = LocalKafka.start(dir);
            } catch (RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
            stopAtExit("kafka", kafka, dir);
        }
        return kafka;
    }

    public static synchronized LocalS3 s3() {
        if (s3 == null) {
            Path dir = tempDir("pix2pix-s3-");
            try {
                s3 = LocalS3.start(dir);
            } catch (RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
            stopAtExit("s3proxy", s3, dir);
        }
        return s3;
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stopAtExit(String name, AutoCloseable server, Path dir) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // the server's own hook kills it anyway
            }
            deleteTree(dir);
        }, "shared-stack-" + name));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: temp files
        }
    }
}
