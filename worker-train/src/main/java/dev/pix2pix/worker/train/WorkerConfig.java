package dev.pix2pix.worker.train;

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

    S3 s3();

    TopicNames topics();

    /** cpu | gpu | auto. */
    @WithDefault("auto")
    String device();

    /** Dataset cache and per-job model folders. */
    Path workDir();

    /** Names this replica's consumer group on the control topic (default: a random id). */
    Optional<String> instanceId();

    Train train();

    /** What one training job may ask for at most (a job may lower these, never raise them). */
    LimitsConfig limits();

    /** How long S3 and Kafka outages are waited out. */
    Outage outage();

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

    interface Outage {
        /** The longest S3 outage waited out before the job fails naming the server (Kafka's: always). */
        @WithDefault("15m")
        Duration maxWait();

        /** Cap of the backoff between tries: work resumes at most this long after a server is back. */
        @WithDefault("30s")
        Duration maxBackoff();

        default dev.pix2pix.delivery.OutagePolicy toPolicy() {
            return new dev.pix2pix.delivery.OutagePolicy(maxWait(),
                    dev.pix2pix.delivery.OutagePolicy.DEFAULT.initialBackoff(), maxBackoff());
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

    interface S3 {
        String endpoint();

        Optional<String> accessKey();

        Optional<String> secretKey();

        Optional<String> region();

        /** Required ({@code *} = every bucket, on purpose): the worker does not start without it. */
        Optional<List<String>> allowedBuckets();

        /** PEM file of CA certificates to trust for an https endpoint besides the JVM's (a private CA). */
        Optional<Path> caFile();

        /** Bucket probed by the readiness check; default: the first allowed bucket. */
        Optional<String> healthBucket();
    }

    /** Defaults come from {@link dev.pix2pix.msg.Topics#DEFAULTS} (see {@link TopicDefaults}). */
    interface TopicNames {
        String trainJobs();

        String translateJobs();

        String translateShards();

        String translateDone();

        String events();

        String control();

        String dlq();

        /**
         * Create missing topics at startup, as the inventory declares them ({@link dev.pix2pix.msg.Topics}).
         * On for the local stack; off where the topics are declared (Strimzi, compose's kafka-init).
         */
        @WithDefault("true")
        boolean create();
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
