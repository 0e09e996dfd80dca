package dev.pix2pix.stack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One server JVM started from a pix2pix-runtime-* classpath, its output appended to a log file.
 *
 * <p>{@link Lifetime#TIED}: the child watches our pid (see {@link ChildMain}) and a shutdown hook
 * stops it, so it never outlives the JVM that started it (tests). {@link Lifetime#DETACHED}: started
 * in its own session ({@code setsid}) without any watch, so it survives the launching CLI
 * ({@code stack up}); it is stopped later by pid.
 */
final class ServerProcess implements AutoCloseable {
    enum Lifetime { TIED, DETACHED }

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final JavaProcess process;

    private ServerProcess(JavaProcess process) {
        this.process = process;
    }

    /**
     * Starts {@code mainClass} in a new JVM with the classpath of runtime {@code runtime}
     * ("kafka" or "s3proxy"), working directory {@code workDir}, output to {@code log}.
     */
    static ServerProcess start(String name, String runtime, Path workDir, List<String> jvmArgs,
                               String mainClass, List<String> args, Path log, Lifetime lifetime) {
        List<String> main = new ArrayList<>();
        main.add(lifetime == Lifetime.TIED ? Long.toString(ProcessHandle.current().pid()) : "0");
        main.add(mainClass);
        main.addAll(args);
        return new ServerProcess(JavaProcess.builder(name)
                .jvmArgs(jvmArgs)
                .mainClass(classpath(runtime, workDir), ChildMain.class.getName())
                .args(main)
                .workDir(workDir)
                .log(log)
                .lifetime(lifetime == Lifetime.TIED ? JavaProcess.Lifetime.TIED : JavaProcess.Lifetime.DETACHED)
                .stopGrace(STOP_GRACE)
                .start());
    }

    /** Runs a short-lived tool (e.g. Kafka's StorageTool) to completion; output goes to {@code log}. */
    static void runTool(String name, String runtime, Path workDir, String mainClass, List<String> args,
                        Path log, Duration timeout) {
        runTool(name, runtime, workDir, mainClass, args, log, timeout, false);
    }

    /**
     * The same; with {@code secretArgs} the main class and its arguments go to the JVM in an argument file
     * ({@code java @file}, mode 600, deleted afterwards), so that no password shows in the process list.
     */
    static void runTool(String name, String runtime, Path workDir, String mainClass, List<String> args,
                        Path log, Duration timeout, boolean secretArgs) {
        List<String> cmd = new ArrayList<>(javaCommand(runtime, workDir, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")));
        List<String> main = new ArrayList<>();
        main.add(ChildMain.class.getName());
        main.add(Long.toString(ProcessHandle.current().pid()));
        main.add(mainClass);
        main.addAll(args);
        Path argFile = workDir.resolve("." + name + ".args");
        if (secretArgs) {
            PrivateFiles.write(argFile, main.stream().map(ServerProcess::argFileQuote).collect(Collectors.joining("\n")) + "\n");
            cmd.add("@" + argFile);
        } else {
            cmd.addAll(main);
        }
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " did not finish within " + timeout + "\n" + tail(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + p.exitValue() + "\n" + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        } finally {
            if (secretArgs) {
                try {
                    Files.deleteIfExists(argFile);
                } catch (IOException ignored) {
                    // mode 600 in the caller's own directory
                }
            }
        }
    }

    /** One argument of a {@code java @file}: in double quotes, backslashes and quotes escaped. */
    static String argFileQuote(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static List<String> javaCommand(String runtime, Path workDir, List<String> jvmArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(JavaProcess.javaExecutable());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath(runtime, workDir));
        return cmd;
    }

    /** The launcher (ChildMain) and the runtime's jars. */
    private static String classpath(String runtime, Path workDir) {
        return extractLauncher(workDir) + File.pathSeparator
                + RuntimeClasspath.load(runtime).stream().map(Path::toString)
                        .collect(Collectors.joining(File.pathSeparator));
    }

    /** Copies ChildMain.class into workDir so the child needs nothing from our (unknown) classpath layout. */
    private static Path extractLauncher(Path workDir) {
        String resource = ChildMain.class.getName().replace('.', '/') + ".class";
        Path dir = workDir.resolve(".launcher");
        Path target = dir.resolve(resource);
        try (InputStream in = ChildMain.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("cannot read " + resource);
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * Polls {@code probe} until it returns true. Fails with the log tail when the process exits or
     * {@code timeout} passes (and stops it).
     */
    void awaitReady(Duration timeout, Callable<Boolean> probe) {
        process.awaitReady(timeout, probe);
    }

    long pid() {
        return process.pid();
    }

    Instant startedAt() {
        return process.handle().info().startInstant().orElse(Instant.now());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return process.log();
    }

    boolean logContains(String text) {
        return process.logContains(text);
    }

    /** Stops the server (SIGTERM, then SIGKILL after a grace period). Idempotent. */
    @Override
    public void close() {
        process.close();
    }

    static boolean stop(ProcessHandle handle, Duration grace) {
        return JavaProcess.stop(handle, grace);
    }

    /** Whether a start failure (its message carries the log tail) was a port taken by someone else. */
    static boolean isPortConflict(RuntimeException startFailure) {
        String m = String.valueOf(startFailure.getMessage());
        return m.contains("Address already in use") || m.contains("Failed to bind");
    }

    static String tail(Path log) {
        return JavaProcess.tail(log, 40);
    }
}
