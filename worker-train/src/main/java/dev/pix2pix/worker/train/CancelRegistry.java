package dev.pix2pix.worker.train;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Job ids cancelled through the control topic, with the reason. Remembered (for
 * {@code pix2pix.train.cancel-memory}) so that a job cancelled while queued behind another is not
 * started when its turn comes.
 */
@ApplicationScoped
public class CancelRegistry {
    record Cancel(String reason, Instant at) {}

    private final Map<String, Cancel> cancelled = new ConcurrentHashMap<>();

    @Inject
    WorkerConfig cfg;

    public void cancel(String jobId, String reason, Instant at) {
        Instant oldest = Instant.now().minus(cfg.train().cancelMemory());
        cancelled.values().removeIf(c -> c.at().isBefore(oldest));
        if (!at.isBefore(oldest)) {
            cancelled.put(jobId, new Cancel(reason == null ? "cancelled" : reason, at));
        }
    }

    public boolean isCancelled(String jobId) {
        return cancelled.containsKey(jobId);
    }

    public Optional<String> reason(String jobId) {
        return Optional.ofNullable(cancelled.get(jobId)).map(Cancel::reason);
    }
}
