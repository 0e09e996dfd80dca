package dev.pix2pix.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The one way this project starts a JVM child: the local stack's servers (Kafka, S3Proxy), its workers and
 * the ITs' workers. Output is appended to a log file; readiness, the log tail, a graceful stop and kill -9
 * are the same for all.
 *
 * <p>{@link Lifetime#TIED}: a shutdown hook stops the child when this JVM ends (tests, a CLI that waits);
 * {@link Lifetime#DETACHED}: started in its own session ({@code setsid}) so that Ctrl-C in the launching
 * terminal does not reach it; it is stopped later by pid ({@code stack down}).
 */
public final class JavaProcess implements AutoCloseable {
    public enum Lifetime { TIED, DETACHED }

    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final Duration grace;
    private final Thread hook;

    private JavaProcess(String name, Process process, Path log, Duration grace, Thread hook) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.grace = grace;
        this.hook = hook;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** What to start; {@link #start()} starts it. */
    public static final class Builder {
        private final String name;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> main = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Predicate<String> dropEnv = k -> false;
        private Path workDir;
        private Path log;
        private Lifetime lifetime = Lifetime.TIED;
        private Duration grace = DEFAULT_GRACE;

        private Builder(String name) {
            this.name = name;
        }

        /** {@code java -jar jar}. */
        public Builder jar(Path jar) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(name + ": " + jar + " is missing (is it built?)");
            }
            main.clear();
            main.addAll(List.of("-jar", jar.toString()));
            return this;
        }

        /** {@code java -cp classpath mainClass}. */
        public Builder mainClass(String classpath, String mainClass) {
            main.clear();
            main.addAll(List.of("-cp", classpath, mainClass));
            return this;
        }

        public Builder jvmArgs(List<String> more) {
            jvmArgs.addAll(more);
            return this;
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /** {@code -Dkey=value} for each entry, in order. */
        public Builder systemProperties(Map<String, String> props) {
            props.forEach((k, v) -> jvmArgs.add("-D" + k + "=" + v));
            return this;
        }

        public Builder args(List<String> more) {
            args.addAll(more);
            return this;
        }

        public Builder env(Map<String, String> more) {
            env.putAll(more);
            return this;
        }

        /** Inherited variables that must not reach the child (a caller's own cluster settings). */
        public Builder dropInheritedEnv(Predicate<String> drop) {
            dropEnv = dropEnv.or(drop);
            return this;
        }

        public Builder workDir(Path dir) {
            workDir = dir;
            return this;
        }

        public Builder log(Path file) {
            log = file;
            return this;
        }

        public Builder lifetime(Lifetime l) {
            lifetime = l;
            return this;
        }

        /** How long a graceful stop (SIGTERM) may take before SIGKILL. */
        public Builder stopGrace(Duration d) {
            grace = d;
            return this;
        }

        public JavaProcess start() {
            if (main.isEmpty()) {
                throw new IllegalStateException(name + ": neither a jar nor a main class given");
            }
            if (log == null) {
                throw new IllegalStateException(name + ": no log file given");
            }
            List<String> cmd = new ArrayList<>();
            if (lifetime == Lifetime.DETACHED && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                cmd.add("/usr/bin/setsid");
            }
            cmd.add(javaExecutable());
            cmd.addAll(jvmArgs);
            cmd.addAll(main);
            cmd.addAll(args);
            Process p;
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                if (workDir != null) {
                    Files.createDirectories(workDir);
                    pb.directory(workDir.toFile());
                }
                pb.environment().keySet().removeIf(dropEnv);
                pb.environment().putAll(env);
                p = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + cmd.get(0), e);
            }
            Thread h = null;
            if (lifetime == Lifetime.TIED) {
                Duration g = grace;
                h = new Thread(() -> stop(p.toHandle(), g), "stop-" + name);
                Runtime.getRuntime().addShutdownHook(h);
            }
            return new JavaProcess(name, p, log, grace, h);
        }
    }

    /** The java of this JVM: children run on the same runtime as their parent. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The whole log so far ("" before the first line). */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean logContains(String text) {
        try {
            return logText().contains(text);
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    public String tail() {
        return tail(log, 60);
    }

    /**
     * Polls {@code probe} until it answers true. When the process exits first or {@code timeout} passes, stops
     * it and fails with the log tail.
     */
    public void awaitReady(Duration timeout, Callable<Boolean> probe) {
        try {
            awaitReady(name, process.toHandle(), log, timeout, probe);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The same for a process known only by its handle (one started by an earlier command); stops nothing. */
    public static void awaitReady(String name, ProcessHandle handle, Path log, Duration timeout, Callable<Boolean> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            if (!handle.isAlive()) {
                throw new IllegalStateException(name + " exited before it was ready; last lines of "
                        + log + ":\n" + tail(log, 40));
            }
            try {
                if (probe.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            sleep(300);
        }
        throw new IllegalStateException(name + " not ready within " + timeout.toSeconds() + " s"
                + (last == null ? "" : " (last probe error: " + last + ")") + "; last lines of " + log + ":\n"
                + tail(log, 40));
    }

    /** Readiness as Quarkus (and S3Proxy, and any HTTP server) reports it: GET answers 200. */
    public static Callable<Boolean> http200(String url) {
        return () -> httpGet(url, Duration.ofSeconds(5)).statusCode() == 200;
    }

    /** GET {@code url} with a timeout; status and body. */
    public static HttpResponse<String> httpGet(String url, Duration timeout) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for the process to end by itself: its exit code, or -1 if it still runs. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM, as Kubernetes does; its exit code. Fails (after SIGKILL) when it does not exit within {@code grace}. */
    public int terminate(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException(name + " did not exit within " + grace + " after SIGTERM:\n" + tail());
        }
        unhook();
        return process.exitValue();
    }

    /** kill -9, and wait until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        unhook();
    }

    /** Stops it (SIGTERM, then SIGKILL after the grace period). Idempotent. */
    @Override
    public void close() {
        stop(process.toHandle(), grace);
        unhook();
    }

    private void unhook() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to
            }
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns true if the process is gone. */
    public static boolean stop(ProcessHandle handle, Duration grace) {
        if (!handle.isAlive()) {
            return true;
        }
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the return value
            }
        }
        return !handle.isAlive();
    }

    /** The last {@code lines} lines of a log, or why there are none. */
    public static String tail(Path log, int lines) {
        try {
            if (!Files.exists(log)) {
                return "(no log written)";
            }
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
