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

    interface S3 {
        String endpoint();

        Optional<String> accessKey();

        Optional<String> secretKey();

        Optional<String> region();

        /** Empty = every bucket. */
        Optional<List<String>> allowedBuckets();

        /** Bucket probed by the readiness check; default: the first allowed bucket. */
        Optional<String> healthBucket();
    }

    /** Defaults come from {@link dev.pix2pix.msg.Topics#DEFAULTS} (see {@link TopicDefaults}). */
    interface TopicNames {
        String trainJobs();

        String translateJobs();

        String translateShards();

        String events();

        String control();

        String dlq();

        /** Partitions of topics this worker creates when they are missing. */
        @WithDefault("3")
        int partitions();

        @WithDefault("1")
        short replicationFactor();

        /** Create missing topics at startup. */
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
