package dev.pix2pix.worker.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged worker (target/quarkus-app) as a child JVM; whoever starts one closes it. */
final class WorkerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int httpPort;

    private WorkerProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    static WorkerProcess start(Map<String, String> props, Path log) throws IOException {
        return start(props, Map.of(), log);
    }

    /** With system properties and environment variables (the deployment's way of configuring). */
    static WorkerProcess start(Map<String, String> props, Map<String, String> env, Path log) throws IOException {
        String jar = System.getProperty("worker.jar", "target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(Path.of(jar))) {
            throw new IllegalStateException(jar + " missing: run mvn verify (package comes before the ITs)");
        }
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.stream(System.getProperty("worker.argLine",
                "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1").trim().split("\\s+")).toList());
        cmd.add("-Xmx1g");
        cmd.add("-Dquarkus.http.port=" + port);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        WorkerProcess w = new WorkerProcess(p, log, port);
        try {
            w.awaitLog("train worker ready", Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    void awaitLog(String text, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (log().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("worker exited (" + process.exitValue() + "):\n" + tail());
            }
            sleep(200);
        }
        throw new IllegalStateException("worker did not log '" + text + "' within " + timeout + ":\n" + tail());
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String tail() {
        String s = log();
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }

    /** HTTP GET on the worker's port: status and body. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as Kubernetes does; returns the exit code. */
    int terminate(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("worker did not exit within " + grace + " after SIGTERM:\n" + tail());
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself; its exit code, or -1 if it still runs. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
