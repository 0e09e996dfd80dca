package dev.pix2pix.stack;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A process belonging to a running local stack, as recorded in {@code stack.json}.
 * The start time guards against pid reuse: a pid whose process started at another time is not ours.
 *
 * @param name      "kafka", "s3proxy", or any name given by whoever adds workers
 * @param pid       operating-system process id
 * @param startedAt ISO-8601 start instant as reported by the OS (may be null if unknown)
 * @param log       path of its log file (may be null)
 */
public record StackProcess(String name, long pid, String startedAt, String log) {

    /** Describes a process started by the caller, e.g. a worker, for {@link LocalStack#addProcess}. */
    public static StackProcess of(String name, ProcessHandle handle, String log) {
        return new StackProcess(name, handle.pid(),
                handle.info().startInstant().map(Instant::toString).orElse(null), log);
    }

    /** The live OS process if this pid still runs and is the process that was recorded. */
    public Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> sameStart(h, startedAt));
    }

    /** Not named isX/getX so that it never ends up in stack.json. */
    public boolean running() {
        return handle().isPresent();
    }

    private static boolean sameStart(ProcessHandle h, String recorded) {
        if (recorded == null) {
            return true;
        }
        Optional<Instant> actual = h.info().startInstant();
        return actual.isEmpty()
                || Duration.between(Instant.parse(recorded), actual.get()).abs().compareTo(Duration.ofSeconds(2)) <= 0;
    }
}
