package dev.pix2pix.worker.train;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.MDC;

/**
 * Sends the latest progress of a job every {@code interval}, also while the training thread is busy
 * uploading a checkpoint or rendering samples, so consumers see the job alive at a steady rate.
 * Closed before the job's terminal event (no event may follow it).
 */
public final class ProgressHeartbeat implements AutoCloseable {
    /** What the progress event says: done/total of the current phase. */
    public record Snapshot(long done, long total, double rate, double etaSeconds, Integer epoch, String message) {}

    private final String jobId;
    private final Consumer<JobEvent> sink;
    private final ScheduledExecutorService timer;
    private volatile Snapshot latest;

    public ProgressHeartbeat(String jobId, Duration interval, Consumer<JobEvent> sink) {
        this.jobId = jobId;
        this.sink = sink;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pix2pix-progress");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(100, interval.toMillis());
        timer.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    public void update(Snapshot s) {
        boolean first = latest == null;
        latest = s;
        if (first) {
            timer.execute(this::tick); // the first one right away
        }
    }

    private void tick() {
        Snapshot s = latest;
        if (s == null) {
            return;
        }
        MDC.put("jobId", jobId);
        try {
            JobEvent.Builder b = JobEvent.builder(jobId, EventType.PROGRESS).done(s.done()).total(s.total())
                    .rate(s.rate()).etaSeconds(s.etaSeconds()).message(s.message());
            if (s.epoch() != null) {
                b.epoch(s.epoch());
            }
            sink.accept(b.build());
        } catch (RuntimeException e) {
            // never kill the timer
        } finally {
            MDC.remove("jobId");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(70, TimeUnit.SECONDS); // a send in flight finishes before the terminal event
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
