package dev.pix2pix.worker.config;

import dev.pix2pix.delivery.OutagePolicy;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.store.StoreConfig;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The configuration groups both workers read the same way ({@code pix2pix.s3.*}, {@code pix2pix.outage.*},
 * {@code pix2pix.topics.*}); each worker's {@code @ConfigMapping(prefix = "pix2pix")} root names them.
 */
public final class WorkerSettings {
    private WorkerSettings() {}

    /** The object store; credentials come only from here (configuration or the environment), never from messages. */
    public interface S3 {
        String endpoint();

        Optional<String> accessKey();

        Optional<String> secretKey();

        Optional<String> region();

        /** Buckets this worker may touch; required ({@code *} = every bucket, on purpose): no start without it. */
        Optional<List<String>> allowedBuckets();

        /** PEM file of CA certificates to trust for an https endpoint besides the JVM's (a private CA). */
        Optional<Path> caFile();

        /** Bucket probed by the readiness check; default: the first allowed bucket. */
        Optional<String> healthBucket();
    }

    /** How long S3 and Kafka outages are waited out. */
    public interface Outage {
        /** The longest S3 outage waited out before the job fails naming the server (Kafka's: always). */
        @WithDefault("15m")
        Duration maxWait();

        /** Cap of the backoff between tries: work resumes at most this long after a server is back. */
        @WithDefault("30s")
        Duration maxBackoff();

        default OutagePolicy toPolicy() {
            return new OutagePolicy(maxWait(), OutagePolicy.DEFAULT.initialBackoff(), maxBackoff());
        }
    }

    /**
     * Every topic of the inventory; the defaults come from {@link dev.pix2pix.msg.Topics} through
     * {@link WorkerDefaults}.
     */
    public interface TopicNames {
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

        /** The configured names as the inventory's record. */
        default Topics toTopics() {
            return new Topics(trainJobs(), translateJobs(), translateShards(), translateDone(), events(), control(), dlq());
        }
    }

    /** The store client of a worker: fail-closed bucket allow-list, outages waited out as configured. */
    public static StoreConfig storeConfig(S3 s3, Outage outage) {
        return new StoreConfig(s3.endpoint(), s3.accessKey().orElse(""), s3.secretKey().orElse(""),
                s3.region().orElse(null),
                StoreConfig.workerAllowList(s3.allowedBuckets(), "pix2pix.s3.allowed-buckets (PIX2PIX_S3_ALLOWED_BUCKETS)"),
                StoreConfig.Retry.waitingOut(outage.toPolicy())).withCaFile(s3.caFile().orElse(null));
    }
}
