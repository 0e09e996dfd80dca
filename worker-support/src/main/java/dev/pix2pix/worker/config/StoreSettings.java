package dev.pix2pix.worker.config;

import dev.pix2pix.store.StoreConfig;

/**
 * A worker's object store as configured: the client settings (fail-closed allow-list, outages waited out) and
 * the bucket its readiness check probes.
 */
public record StoreSettings(StoreConfig config, String healthBucket) {
    /** Probed when the allow-list is {@code *} and no health bucket is set: one that need not exist. */
    public static final String PROBE_BUCKET = "pix2pix-health-probe";

    /** From the shared groups; refuses a missing allow-list here, so at startup, not at the first job. */
    public static StoreSettings of(WorkerSettings.S3 s3, WorkerSettings.Outage outage) {
        StoreConfig config = WorkerSettings.storeConfig(s3, outage);
        String bucket = s3.healthBucket().orElseGet(() -> config.allowedBuckets().stream()
                .filter(b -> !b.equals(StoreConfig.ANY_BUCKET)).sorted().findFirst().orElse(PROBE_BUCKET));
        return new StoreSettings(config, bucket);
    }
}
