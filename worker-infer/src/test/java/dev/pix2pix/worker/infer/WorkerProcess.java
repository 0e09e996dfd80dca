package dev.pix2pix.worker.infer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged worker (target/quarkus-app/quarkus-run.jar) as a child process, for the ITs. */
final class WorkerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int httpPort;
    private final Path log;

    private WorkerProcess(String name, Process process, int httpPort, Path log) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** Starts a worker with the given -D settings and waits until /q/health/ready is UP. */
    static WorkerProcess start(String name, Map<String, String> props) throws Exception {
        return start(name, props, List.of(), true);
    }

    /**
     * @param jvmArgs  extra JVM options (e.g. a small -Xmx, -XX:+ExitOnOutOfMemoryError)
     * @param awaitReady false for a worker that is expected to die (a failpoint, out of memory)
     */
    static WorkerProcess start(String name, Map<String, String> props, List<String> jvmArgs, boolean awaitReady)
            throws Exception {
        String jar = System.getProperty("worker.jar", "target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(Path.of(jar))) {
            throw new IllegalStateException(jar + " missing: run mvn package first");
        }
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String argLine = System.getProperty("worker.argLine",
                "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1");
        for (String a : argLine.trim().split("\\s+")) {
            if (!a.isEmpty()) {
                cmd.add(a);
            }
        }
        cmd.add("-Xmx384m");
        cmd.addAll(jvmArgs); // after the default heap, so a test's -Xmx wins
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dpix2pix.instance-id=" + name);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar);
        Path logDir = Path.of("target", "worker-logs");
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        WorkerProcess w = new WorkerProcess(name, p, port, log);
        if (!awaitReady) {
            return w;
        }
        try {
            w.awaitReady(Duration.ofSeconds(120));
        } catch (Exception | Error e) {
            w.close();
            throw e;
        }
        return w;
    }

    String name() {
        return name;
    }

    int httpPort() {
        return httpPort;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    String get(String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log:\n" + tail());
            }
            try {
                last = get("/q/health/ready");
                if (last.contains("\"status\": \"UP\"") || last.contains("\"status\":\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ": " + last + "\nlog:\n" + tail());
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits for the process to end by itself; its exit code, or -1 if it still runs. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** /q/health/ready as text, or the error when the worker does not answer. */
    String readiness() {
        try {
            return get("/q/health/ready");
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM (graceful stop), then SIGKILL if it does not exit. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
