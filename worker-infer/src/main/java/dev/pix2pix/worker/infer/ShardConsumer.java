package dev.pix2pix.worker.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.delivery.Limits;
import dev.pix2pix.msg.FailureCode;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Shard;
import dev.pix2pix.msg.Validated;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.StoreException;
import dev.pix2pix.train.Devices;
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.CancelRegistry;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.MessageRunner;
import dev.pix2pix.worker.Outcome;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

/**
 * Consumes shards (group shared by all replicas, so replicas split a job's shards by partition),
 * one at a time. A shard's outputs go to S3 first; its note and item-failed events are published
 * with its offset in one transaction. A shard that cannot be processed still sends a failed note,
 * so its job ends; an invalid one goes to the dead-letter topic as well.
 */
@ApplicationScoped
public class ShardConsumer {
    @Inject
    ObjectStore store;
    @Inject
    CancelRegistry cancels;
    @Inject
    InferMetrics metrics;
    @Inject
    InferConfig cfg;
    @Inject
    Lifecycle lifecycle;
    @Inject
    DeadLetters dlq;
    @Inject
    ChannelRunners runners;
    @Inject
    Limits limits;
    @Inject
    AttemptMarkers attempts;

    private final JobValidator validator = new JobValidator();
    private ModelCache models;
    private ShardProcessor processor;

    @PostConstruct
    void init() {
        models = new ModelCache(store, Path.of(cfg.workDir()), Devices.selectForInference(cfg.device()), cfg.infer().half());
        processor = new ShardProcessor(store, models, cancels, metrics, cfg, limits, attempts, dlq);
    }

    @Incoming(ChannelRunners.SHARDS)
    public CompletionStage<Void> onShard(Message<String> message) {
        return runners.runner(ChannelRunners.SHARDS).run(message, this::handle, this::failure);
    }

    Outcome handle(MessageRunner.Delivery d) throws Exception {
        Validated<Shard> v = validator.shard(d.payload());
        if (!v.ok()) {
            return invalid(d, "invalid shard: " + String.join("; ", v.violations()));
        }
        Shard shard = v.value();
        MDC.put("jobId", shard.jobId());
        BooleanSupplier stop = () -> lifecycle.stopping()
                || !runners.tracker(ChannelRunners.SHARDS).owns(d.topicPartition());
        try {
            return processor.process(shard, d, stop);
        } catch (StoreException e) {
            if (stop.getAsBoolean()) {
                return Outcome.leave("stopping: " + e.getMessage());
            }
            metrics.shard("failed");
            return processor.failedNote(shard, e.getMessage(), e.kind() == StoreException.Kind.TRANSIENT
                    ? FailureCode.OUTAGE : FailureCode.REFUSED);
        }
    }

    /** After repeated unexpected failures: a failed note (the job ends) and the shard to the dead-letter topic. */
    Outcome failure(MessageRunner.Delivery d, Throwable error, int tries) {
        String reason = "shard failed " + tries + " time(s): " + error;
        Validated<Shard> v = validator.shard(d.payload());
        if (!v.ok()) {
            return invalid(d, reason);
        }
        metrics.shard("failed");
        Outcome note = processor.failedNote(v.value(), reason, FailureCode.INTERNAL);
        return new Outcome.Builder().add(dlq.of(d, FailureCode.INTERNAL.name(), reason)).build(reason)
                .plus(note);
    }

    /**
     * An invalid shard (only a bug makes one): dead-lettered, and when its job and place can still be
     * read, a failed note so that the job ends rather than waits for this shard forever.
     */
    private Outcome invalid(MessageRunner.Delivery d, String reason) {
        Outcome.Builder b = new Outcome.Builder().add(dlq.of(d, FailureCode.INVALID.name(), reason));
        try {
            JsonNode n = Json.mapper().readTree(d.payload());
            Shard partial = Json.mapper().treeToValue(n, Shard.class);
            if (partial.job() != null && partial.job().output() != null
                    && JobValidator.readableJobId(d.payload()).isPresent() && partial.count() > 0) {
                processor.failedNote(partial, reason, FailureCode.INVALID).records().forEach(b::add);
            }
        } catch (Exception ignored) {
            // not even a shard's shape: the dead letter is all there is
        }
        metrics.deadLettered();
        return b.build(reason);
    }

    @PreDestroy
    void close() {
        models.close();
    }
}
