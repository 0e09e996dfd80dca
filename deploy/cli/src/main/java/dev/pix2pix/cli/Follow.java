package dev.pix2pix.cli;

import dev.pix2pix.msg.JobEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** Following a job to its end, shared by {@code submit --wait} and {@code watch}. */
final class Follow {
    private Follow() {}

    /**
     * Reads events of {@code jobId} from {@code reader} until the job ends, showing them on stderr;
     * with {@code json} the final event goes to stdout as one JSON line. Returns the exit code.
     */
    static int toEnd(JobClient.EventReader reader, String jobId, boolean json, Duration timeout) {
        EventPrinter printer = new EventPrinter(System.err);
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            try {
                main.join(3000); // let the loop notice and close the consumer
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        Optional<JobEvent> end;
        try {
            end = reader.follow(jobId, printer, timeout, interrupted::get);
        } finally {
            printer.finish();
            if (!interrupted.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        if (end.isEmpty()) {
            if (interrupted.get()) {
                System.err.println("stopped following " + jobId + " (the job goes on; `pix2pix watch " + jobId
                        + "` to follow it again, `pix2pix cancel " + jobId + "` to stop it)");
                return 130;
            }
            System.err.println("timed out after " + timeout.toSeconds() + " s waiting for " + jobId + " to end");
            return 124;
        }
        if (json) {
            System.out.println(dev.pix2pix.msg.Json.write(end.get()));
        }
        return JobClient.exitCode(end.get());
    }
}
