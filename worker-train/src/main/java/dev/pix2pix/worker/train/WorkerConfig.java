package dev.pix2pix.worker.train;

import dev.pix2pix.worker.config.WorkerSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The worker's own settings ({@code pix2pix.*}); every key can be overridden by the matching
 * environment variable (PIX2PIX_S3_ENDPOINT, PIX2PIX_TOPICS_EVENTS, ...). Kafka connection settings
 * are the standard {@code kafka.*} keys (KAFKA_BOOTSTRAP_SERVERS).
 */
@ConfigMapping(prefix = "pix2pix")
public interface WorkerConfig {

    WorkerSettings.S3 s3();

    WorkerSettings.TopicNames topics();

    /** cpu | gpu | auto. */
    @WithDefault("auto")
    String device();

    /** Dataset cache and per-job model folders. */
    Path workDir();

    /** Names this replica's consumer group on the control topic (default: host name and pid, see WorkerDefaults). */
    Optional<String> instanceId();

    Train train();

    /** What one training job may ask for at most (a job may lower these, never raise them). */
    LimitsConfig limits();

    /** How long S3 and Kafka outages are waited out. */
    WorkerSettings.Outage outage();

    /** Poison detection and retries of unexpected failures. */
    Delivery delivery();

    interface LimitsConfig {
        @WithDefault("1024")
        int maxTrainSize();

        @WithDefault("64")
        int maxBatch();

        @WithDefault("256")
        int maxFilters();

        @WithDefault("10000")
        int maxEpochs();

        default dev.pix2pix.delivery.Limits toLimits() {
            dev.pix2pix.delivery.Limits d = dev.pix2pix.delivery.Limits.DEFAULTS;
            return new dev.pix2pix.delivery.Limits(d.maxPixels(), d.maxObjectBytes(), d.maxInputsPerJob(),
                    d.maxShardSize(), d.maxModelBytes(), maxTrainSize(), maxBatch(), maxFilters(), maxEpochs());
        }
    }

    interface Delivery {
        /** Deliveries of one job that may end with the worker's death before the job counts as poison. */
        @WithDefault("3")
        int maxDeliveries();

        /** Tries of a job whose handling throws unexpectedly (outside the training), before it fails. */
        @WithDefault("3")
        int attempts();
    }

    interface Train {
        /** Progress events are sent at least this often while a job runs (and its download). */
        @WithDefault("5s")
        Duration progressInterval();

        /** On SIGTERM, how long to wait for the running training to checkpoint and upload. */
        @WithDefault("540s")
        Duration shutdownWait();

        /**
         * Disk the local dataset copies and their prepared caches may take under the work dir; the least
         * recently used datasets are removed to make room.
         */
        @WithDefault("16G")
        io.quarkus.runtime.configuration.MemorySize datasetCacheBudget();

        /** Threads preparing training batches (0 = one per core). */
        @WithDefault("0")
        int loaderThreads();

        /** Training pairs rendered into each epoch's sample strip. */
        @WithDefault("3")
        int samplePairs();

        /** Cancel messages older than this are ignored when a worker (re)starts reading the control topic. */
        @WithDefault("24h")
        Duration cancelMemory();
    }
}
