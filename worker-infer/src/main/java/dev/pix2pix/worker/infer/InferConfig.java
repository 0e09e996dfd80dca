package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.config.WorkerSettings;
import dev.pix2pix.delivery.Limits;
import dev.pix2pix.delivery.OutagePolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Everything under {@code pix2pix.*} (env: PIX2PIX_S3_ENDPOINT, PIX2PIX_TOPICS_TRANSLATE_JOBS, ...).
 * Topic names and the instance id default to {@link dev.pix2pix.worker.config.WorkerDefaults} (names from
 * {@link dev.pix2pix.msg.Topics}). Credentials come only from here, never from messages.
 */
@ConfigMapping(prefix = "pix2pix")
public interface InferConfig {
    WorkerSettings.S3 s3();

    /** cpu | gpu | auto. */
    @WithDefault("auto")
    String device();

    /** Local scratch space (downloaded model folders). */
    String workDir();

    /** Consumer group of jobs, shards and shard-done notes (shared by all replicas). */
    @WithDefault("pix2pix-worker-infer")
    String group();

    /** Names this replica in logs, manifests and its control-topic consumer group. */
    String instanceId();

    WorkerSettings.TopicNames topics();

    Infer infer();

    /** Consumer settings for long records, used by the channels in application.properties. */
    Kafka kafka();

    /** What one job may ask for at most (a job may lower these, never raise them). */
    LimitsConfig limits();

    /** How long S3 and Kafka outages are waited out. */
    WorkerSettings.Outage outage();

    /** Delivery rules: poison detection, retries of unexpected failures, cancel memory. */
    Delivery delivery();

    interface LimitsConfig {
        @WithDefault("64000000")
        long maxPixels();

        @WithDefault("536870912")
        long maxObjectBytes();

        @WithDefault("1000000")
        int maxInputsPerJob();

        @WithDefault("1000")
        int maxShardSize();

        @WithDefault("2147483648")
        long maxModelBytes();

        default Limits toLimits() {
            Limits d = Limits.DEFAULTS;
            return new Limits(maxPixels(), maxObjectBytes(), maxInputsPerJob(), maxShardSize(), maxModelBytes(),
                    d.maxTrainSize(), d.maxBatch(), d.maxFilters(), d.maxEpochs());
        }
    }

    interface Delivery {
        /** Deliveries of one message that may end with the worker's death before it counts as poison. */
        @WithDefault("3")
        int maxDeliveries();

        /** Tries of a message whose handling throws unexpectedly, before it ends as failed. */
        @WithDefault("3")
        int attempts();

        /** Cancels older than this (by record time) are forgotten when the control topic is read. */
        @WithDefault("168h")
        Duration cancelMemory();
    }

    interface Kafka {
        /** Upper bound for one record's processing between polls. */
        long maxPollIntervalMs();

        /** How soon a dead replica's partitions move to the others. */
        int sessionTimeoutMs();

        int heartbeatIntervalMs();
    }

    interface Infer {
        /** Inputs per shard unless the job sets options.shardSize. */
        @WithDefault("64")
        int shardSize();

        /** Images per forward pass. */
        @WithDefault("4")
        int batch();

        /**
         * Run generators in float16: for GPU nodes (tensor cores); outputs stay within about one level of
         * 255 of float32. A CPU runs it too, far slower.
         */
        @WithDefault("false")
        boolean half();

        /** Decode / encode threads per pipeline stage; 0 = all cores. */
        @WithDefault("0")
        int cpuThreads();
    }
}
