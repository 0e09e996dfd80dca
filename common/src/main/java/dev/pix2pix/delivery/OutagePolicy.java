package dev.pix2pix.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a worker waits out a server (S3, Kafka) that does not answer, and how often it tries
 * again meanwhile: exponential backoff from {@code initialBackoff}, capped at {@code maxBackoff} (so
 * work resumes soon after the server is back), for at most {@code maxWait} of one outage. Past that,
 * the job fails with a reason naming the server. Pure: the caller measures the time.
 *
 * @param maxWait        the longest outage waited out; zero = do not wait at all
 * @param initialBackoff delay after the first failure
 * @param maxBackoff     cap of the delay between two tries
 */
public record OutagePolicy(Duration maxWait, Duration initialBackoff, Duration maxBackoff) {
    /** 15 minutes, tries 0.5 s apart doubling up to 30 s. */
    public static final OutagePolicy DEFAULT =
            new OutagePolicy(Duration.ofMinutes(15), Duration.ofMillis(500), Duration.ofSeconds(30));

    public OutagePolicy {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxWait.isNegative() || initialBackoff.isNegative() || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** A policy that waits at most {@code maxWait}, with the default backoff. */
    public static OutagePolicy waiting(Duration maxWait) {
        return new OutagePolicy(maxWait, DEFAULT.initialBackoff, DEFAULT.maxBackoff);
    }

    /**
     * The delay before the next try after {@code failures} consecutive failures (1-based) that
     * started {@code outageSoFar} ago, or empty when the outage has outlasted {@link #maxWait()}.
     * The delay never runs past the end of the wait, so the last try happens at {@code maxWait}.
     */
    public Optional<Duration> nextDelay(int failures, Duration outageSoFar) {
        Duration left = maxWait.minus(outageSoFar);
        if (left.isNegative() || left.isZero()) {
            return Optional.empty();
        }
        long ms = initialBackoff.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
        Duration d = Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
        return Optional.of(d.compareTo(left) > 0 ? left : d);
    }
}
