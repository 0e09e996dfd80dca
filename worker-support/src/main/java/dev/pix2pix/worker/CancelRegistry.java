package dev.pix2pix.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancelled job ids, with the reason, from the control topic. Every replica reads the whole topic
 * from its beginning in a consumer group of its own, so a cancel published while no replica ran
 * (or before this one started) still reaches the job; cancels older than {@code memory} (by their
 * record time) are forgotten, so an old cancel of a reused job id does not stop a new job.
 */
public final class CancelRegistry {
    private record Cancel(String reason, Instant at) {}

    private final Map<String, Cancel> cancelled = new ConcurrentHashMap<>();
    private final Duration memory;
    private final Clock clock;

    public CancelRegistry(Duration memory) {
        this(memory, Clock.systemUTC());
    }

    CancelRegistry(Duration memory, Clock clock) {
        this.memory = memory;
        this.clock = clock;
    }

    /** @param at when the cancel was published (the record's timestamp) */
    public void cancel(String jobId, String reason, Instant at) {
        Instant oldest = clock.instant().minus(memory);
        cancelled.values().removeIf(c -> c.at().isBefore(oldest));
        if (!at.isBefore(oldest)) {
            cancelled.merge(jobId, new Cancel(reason == null || reason.isBlank() ? "cancelled by request" : reason, at),
                    (a, b) -> a.at().isBefore(b.at()) ? a : b);
        }
    }

    public boolean isCancelled(String jobId) {
        return cancelled.containsKey(jobId);
    }

    public Optional<String> reason(String jobId) {
        return Optional.ofNullable(cancelled.get(jobId)).map(Cancel::reason);
    }
}
