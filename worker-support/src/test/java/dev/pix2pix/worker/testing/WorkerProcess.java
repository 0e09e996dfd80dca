package dev.pix2pix.worker.testing;

import dev.pix2pix.stack.FreePorts;
import dev.pix2pix.stack.JavaProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged worker under test ({@code worker.jar}, target/quarkus-app/quarkus-run.jar) as a child JVM on
 * the shared launcher; for both workers' ITs. Whoever starts one closes it (a shutdown hook stops it too).
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** Ready: Kafka, S3 and the engine answer. Live: the application has started. */
    private static final String READY = "/q/health/ready";
    private static final String LIVE = "/q/health/live";

    private final JavaProcess process;
    private final int httpPort;

    private WorkerProcess(JavaProcess process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /** Starts a worker with the given -D settings, log target/worker-logs/NAME.log, and waits until it is ready. */
    public static WorkerProcess start(String name, Map<String, String> props) throws IOException {
        return start(name, props, List.of(), true);
    }

    /**
     * @param jvmArgs    extra JVM options, after the default heap (so a test's -Xmx wins)
     * @param awaitReady false for a worker that is expected to die (a failpoint, out of memory)
     */
    public static WorkerProcess start(String name, Map<String, String> props, List<String> jvmArgs, boolean awaitReady)
            throws IOException {
        Map<String, String> withId = new LinkedHashMap<>();
        withId.put("pix2pix.instance-id", name); // in its events and manifests, so a test can tell who did what
        withId.putAll(props);
        return start(name, withId, Map.of(), jvmArgs, Path.of("target", "worker-logs", name + ".log"),
                awaitReady ? READY : null);
    }

    /**
     * Starts one logging to {@code log} (named after the file; its instance id the worker's own) and waits until it
     * has started (live), not until it is ready: a test may give it a store it cannot reach on purpose.
     */
    public static WorkerProcess start(Map<String, String> props, Path log) throws IOException {
        return start(props, Map.of(), log);
    }

    /** With system properties and environment variables (the deployment's way of configuring). */
    public static WorkerProcess start(Map<String, String> props, Map<String, String> env, Path log) throws IOException {
        String name = log.getFileName().toString().replaceFirst("\\.log$", "");
        return start(name, props, env, List.of(), log, LIVE);
    }

    private static WorkerProcess start(String name, Map<String, String> props, Map<String, String> env,
                                       List<String> jvmArgs, Path log, String awaitPath) {
        int port = FreePorts.pick();
        List<String> jvm = new ArrayList<>();
        for (String a : System.getProperty("worker.argLine", "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1")
                .trim().split("\\s+")) {
            if (!a.isEmpty()) {
                jvm.add(a);
            }
        }
        jvm.add("-Xmx" + System.getProperty("worker.heap", "1g"));
        jvm.addAll(jvmArgs);
        jvm.add("-XX:TieredStopAtLevel=1");
        Map<String, String> sys = new LinkedHashMap<>();
        sys.put("quarkus.http.host", "127.0.0.1");
        sys.put("quarkus.http.port", Integer.toString(port));
        sys.putAll(props);
        JavaProcess p = JavaProcess.builder(name)
                .jvmArgs(jvm)
                .systemProperties(sys)
                .jar(Path.of(System.getProperty("worker.jar", "target/quarkus-app/quarkus-run.jar")))
                .env(env)
                .log(log)
                .stopGrace(Duration.ofSeconds(60))
                .start();
        WorkerProcess w = new WorkerProcess(p, port);
        if (awaitPath != null) {
            p.awaitReady(READY_TIMEOUT, JavaProcess.http200(w.url(awaitPath)));
        }
        return w;
    }

    public String name() {
        return process.name();
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return process.log();
    }

    public String logText() {
        return process.logText();
    }

    public String tail() {
        return process.tail();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** HTTP GET on the worker's port: status and body. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return JavaProcess.httpGet(url(path), Duration.ofSeconds(20));
    }

    /** The body of a GET. */
    public String body(String path) throws IOException, InterruptedException {
        return get(path).body();
    }

    /** /q/health/ready as text, or the error when the worker does not answer. */
    public String readiness() {
        try {
            return body("/q/health/ready");
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    /** Waits until the log holds {@code text}; fails with the tail when the worker exits or time runs out. */
    public void awaitLog(String text, Duration timeout) {
        JavaProcess.awaitReady(name(), process.handle(), log(), timeout, () -> process.logContains(text));
    }

    /** Waits for the process to end by itself; its exit code, or -1 if it still runs. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    /** SIGTERM, as Kubernetes does; its exit code. Fails when it does not exit within {@code grace}. */
    public int terminate(Duration grace) throws InterruptedException {
        return process.terminate(grace);
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM (graceful stop), then SIGKILL if it does not exit. */
    @Override
    public void close() {
        process.close();
    }
}
