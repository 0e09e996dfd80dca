package dev.pix2pix.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker and an S3Proxy of one fault test alone (tied to this JVM, on free ports of
 * 127.0.0.1), so that the test can hang them (SIGSTOP / SIGCONT), or stop and start them again on
 * the same ports with the same data, without disturbing tests that share {@link SharedStack}. Only
 * processes started here are ever signalled. Close it (it resumes and stops both, and deletes the
 * data) also when the test fails.
 */
public final class PrivateStack implements AutoCloseable {
    private final Path dir;
    private LocalKafka kafka;
    private LocalS3 s3;
    private final int kafkaPort;
    private final int controllerPort;
    private final int s3Port;
    private final String accessKey;
    private final String secretKey;

    private PrivateStack(Path dir, LocalKafka kafka, LocalS3 s3) {
        this.dir = dir;
        this.kafka = kafka;
        this.s3 = s3;
        this.kafkaPort = kafka.port();
        this.controllerPort = kafka.controllerPort();
        this.s3Port = s3.port();
        this.accessKey = s3.accessKey();
        this.secretKey = s3.secretKey();
    }

    public static PrivateStack start(String name) {
        Path dir;
        try {
            dir = Files.createTempDirectory("pix2pix-private-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalKafka k = null;
        try {
            k = LocalKafka.start(dir.resolve("kafka"));
            LocalS3 s = LocalS3.start(dir.resolve("s3"));
            return new PrivateStack(dir, k, s);
        } catch (RuntimeException e) {
            if (k != null) {
                k.close();
            }
            SharedStack.deleteTree(dir);
            throw e;
        }
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalS3 s3() {
        return s3;
    }

    /** The broker stops answering (SIGSTOP): connections stay open, requests hang. */
    public void hangKafka() {
        signal("STOP", kafka.pid());
    }

    public void resumeKafka() {
        signal("CONT", kafka.pid());
    }

    public void hangS3() {
        signal("STOP", s3.pid());
    }

    public void resumeS3() {
        signal("CONT", s3.pid());
    }

    /** Stops the broker (connections refused until {@link #startKafka()}). */
    public void stopKafka() {
        kafka.close();
    }

    /** Starts the broker again on the same port with the same data. */
    public void startKafka() {
        kafka = LocalKafka.start(dir.resolve("kafka"), new LocalKafka.Settings(kafkaPort, controllerPort, false));
        if (kafka.port() != kafkaPort) {
            throw new IllegalStateException("Kafka came back on port " + kafka.port() + ", not " + kafkaPort);
        }
    }

    public void stopS3() {
        s3.close();
    }

    public void startS3() {
        s3 = LocalS3.start(dir.resolve("s3"), new LocalS3.Settings(s3Port, accessKey, secretKey, false));
    }

    private static void signal(String signal, long pid) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            resumeQuietly(kafka);
            resumeQuietly(s3);
            kafka.close();
            s3.close();
        } finally {
            SharedStack.deleteTree(dir);
        }
    }

    private static void resumeQuietly(Object server) {
        try {
            long pid = server instanceof LocalKafka k ? k.pid() : ((LocalS3) server).pid();
            new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // it may be gone already
        }
    }
}
