package dev.pix2pix.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach the object store.
 *
 * @param endpoint       e.g. http://127.0.0.1:9000 or https://s3.eu-west-1.amazonaws.com
 * @param region         null = us-east-1 (set it to avoid a bucket-location request)
 * @param allowedBuckets buckets this process may touch; empty = all. Anything else fails with
 *                       {@link StoreException.Kind#BUCKET_NOT_ALLOWED} before any request.
 * @param retry          backoff for transient failures
 */
public record StoreConfig(String endpoint, String accessKey, String secretKey, String region,
                          Set<String> allowedBuckets, Retry retry) {

    public static final String DEFAULT_REGION = "us-east-1";

    public StoreConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        allowedBuckets = allowedBuckets == null ? Set.of() : Set.copyOf(allowedBuckets);
        retry = retry == null ? Retry.DEFAULT : retry;
    }

    /** All buckets, us-east-1, default retries. */
    public static StoreConfig of(String endpoint, String accessKey, String secretKey) {
        return new StoreConfig(endpoint, accessKey, secretKey, null, Set.of(), Retry.DEFAULT);
    }

    public StoreConfig withAllowedBuckets(Set<String> buckets) {
        return new StoreConfig(endpoint, accessKey, secretKey, region, buckets, retry);
    }

    public StoreConfig withRetry(Retry r) {
        return new StoreConfig(endpoint, accessKey, secretKey, region, allowedBuckets, r);
    }

    public boolean allows(String bucket) {
        return allowedBuckets.isEmpty() || allowedBuckets.contains(bucket);
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "StoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=***, region=" + region
                + ", allowedBuckets=" + allowedBuckets + ", retry=" + retry + "]";
    }

    /**
     * Exponential backoff with jitter: attempt n waits about initialBackoff * 2^(n-1), at most
     * maxBackoff. A transient failure (connection refused or reset, timeout, 5xx, SlowDown) is tried
     * again while fewer than {@code maxAttempts} tries were made, or while the failures of this call
     * have lasted less than {@code maxWait}: the workers set {@code maxWait} to the outage they wait
     * out (see {@link dev.pix2pix.delivery.OutagePolicy}), interactive tools keep it at zero.
     *
     * @param maxAttempts total tries per operation, including the first (1 = no retry)
     * @param maxWait     keep trying a failing call for this long, whatever the attempt count
     */
    public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxWait) {
        /** 6 attempts over roughly 10 s. */
        public static final Retry DEFAULT = new Retry(6, Duration.ofMillis(300), Duration.ofSeconds(5));
        public static final Retry NONE = new Retry(1, Duration.ZERO, Duration.ZERO);

        public Retry {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1");
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            maxWait = maxWait == null ? Duration.ZERO : maxWait;
        }

        public Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
            this(maxAttempts, initialBackoff, maxBackoff, Duration.ZERO);
        }

        /** Waits out outages as the policy says: tries until its maxWait, backoff capped at its maxBackoff. */
        public static Retry waitingOut(dev.pix2pix.delivery.OutagePolicy p) {
            return new Retry(DEFAULT.maxAttempts, p.initialBackoff(), p.maxBackoff(), p.maxWait());
        }

        /** Base delay before attempt {@code attempt + 1} after {@code attempt} failures (1-based). */
        public Duration delayAfter(int attempt) {
            long ms = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
            return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
        }

        /** Whether a transient failure after {@code attempt} tries, failing for {@code failingFor}, is tried again. */
        public boolean again(int attempt, Duration failingFor) {
            return attempt < maxAttempts || failingFor.compareTo(maxWait) < 0;
        }
    }
}
