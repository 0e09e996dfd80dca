package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Shard;
import dev.pix2pix.msg.Validated;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.train.Devices;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

/**
 * Consumes shards (group shared by all replicas, so replicas split a job's shards by partition),
 * one at a time on the shard thread, and acks a shard only after its outputs, manifest part and
 * shard-done note are written: at-least-once, made idempotent by skipping existing outputs.
 */
@ApplicationScoped
public class ShardConsumer {
    @Inject
    ObjectStore store;
    @Inject
    Publisher out;
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

    private final JobValidator validator = new JobValidator();
    private Sequential thread;
    private ModelCache models;
    private ShardProcessor processor;

    @PostConstruct
    void init() {
        thread = new Sequential("pix2pix-shard", lifecycle::stopping);
        models = new ModelCache(store, Path.of(cfg.workDir()), Devices.selectForInference(cfg.device()), cfg.infer().half());
        processor = new ShardProcessor(store, models, out, cancels, metrics, cfg, lifecycle::stopping);
    }

    @Incoming("translate-shards")
    public CompletionStage<Void> onShard(Message<String> message) {
        return thread.run(message, (payload, msg) -> {
            Validated<Shard> v = validator.shard(payload);
            if (!v.ok()) {
                dlq.send(msg, "invalid shard: " + String.join("; ", v.violations()));
                return Sequential.Outcome.ACK;
            }
            Shard shard = v.value();
            MDC.put("jobId", shard.jobId());
            ShardProcessor.Result r = processor.process(shard);
            if (r.leave()) {
                return Sequential.Outcome.LEAVE;
            }
            if (r.note() != null) {
                out.send(cfg.topics().translateDone(), shard.jobId(), null, Json.write(r.note()), null);
            }
            return Sequential.Outcome.ACK;
        });
    }

    @PreDestroy
    void close() {
        thread.close();
        models.close();
    }
}
