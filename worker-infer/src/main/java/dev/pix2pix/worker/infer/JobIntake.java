package dev.pix2pix.worker.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.SchemaVersion;
import dev.pix2pix.msg.Shard;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.msg.Validated;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Turns a {@link TranslateJob} into shards: validates it (invalid -> dead-letter topic, plus a
 * failed event when its jobId can be read), checks model and buckets (-> failed event naming the
 * problem), lists the inputs, emits accepted, and publishes the shards over all partitions of the
 * shard topic. The plan in {@code _manifest/job.json} makes a redelivered job a no-op.
 */
@ApplicationScoped
public class JobIntake {
    private static final Logger LOG = Logger.getLogger(JobIntake.class);
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    @Inject
    ObjectStore store;
    @Inject
    Publisher out;
    @Inject
    DeadLetters dlq;
    @Inject
    CancelRegistry cancels;
    @Inject
    InferMetrics metrics;
    @Inject
    InferConfig cfg;
    @Inject
    Lifecycle lifecycle;
    @Inject
    TopicSetup topics;

    private final JobValidator validator = new JobValidator();
    private Sequential thread;

    @PostConstruct
    void init() {
        thread = new Sequential("pix2pix-intake", lifecycle::stopping);
    }

    @PreDestroy
    void close() {
        thread.close();
    }

    @Incoming("translate-jobs")
    public CompletionStage<Void> onJob(Message<String> message) {
        return thread.run(message, (payload, msg) -> {
            Validated<TranslateJob> v = validator.translate(payload);
            if (!v.ok()) {
                String reason = "invalid translate job: " + String.join("; ", v.violations());
                dlq.send(msg, reason);
                metrics.job("invalid");
                Optional<String> id = readableJobId(payload);
                if (id.isPresent()) {
                    out.event(JobEvent.builder(id.get(), EventType.FAILED).reason(reason).build());
                }
                return Sequential.Outcome.ACK;
            }
            TranslateJob job = v.value();
            MDC.put("jobId", job.jobId());
            try {
                accept(job);
            } catch (InputPlanner.Refused | ModelCache.ModelException e) {
                fail(job, e.getMessage());
            } catch (StoreException e) {
                if (e.kind() == StoreException.Kind.TRANSIENT) {
                    throw e; // retried by Sequential
                }
                fail(job, e.getMessage());
            }
            return Sequential.Outcome.ACK;
        });
    }

    private void fail(TranslateJob job, String reason) {
        metrics.job("failed");
        out.event(JobEvent.builder(job.jobId(), EventType.FAILED).reason(reason).build());
    }

    private void accept(TranslateJob job) throws InputPlanner.Refused, ModelCache.ModelException {
        if (cancels.isCancelled(job.jobId())) {
            metrics.job("cancelled");
            out.event(JobEvent.builder(job.jobId(), EventType.CANCELLED).reason(cancels.reason(job.jobId())).build());
            return;
        }
        JobFiles files = new JobFiles(store, S3Uri.parse(job.output()));
        Optional<JobFiles.Plan> earlier = files.plan(job.jobId());
        if (earlier.isPresent() && earlier.get().fannedOut()) {
            LOG.infof("job %s was already fanned out (redelivery or resubmission); ignored", job.jobId());
            metrics.job("duplicate");
            return;
        }
        ModelCache.Ref model = ModelCache.locate(store, job.model());
        ModelInfo info = ModelCache.readInfo(store, model);
        TranslateJob.Mode modelMode = info.colorize() ? TranslateJob.Mode.COLORIZE : TranslateJob.Mode.TRANSLATE;
        if (job.mode() != null && job.mode() != modelMode) {
            throw new InputPlanner.Refused("mode " + job.mode().wire() + " does not fit model " + job.model()
                    + ", which was trained to " + modelMode.wire());
        }
        InputPlanner.Plan plan = InputPlanner.plan(job, store::list);
        int shardSize = job.options() != null && job.options().shardSize() != null ? job.options().shardSize()
                : cfg.infer().shardSize();
        List<List<String>> slices = InputPlanner.split(plan.keys(), shardSize);
        // the shards carry the base prefix as their job's input: output keys are relative to it
        TranslateJob fanned = new TranslateJob(job.schemaVersion(), job.jobId(), job.model(), plan.base().toString(),
                null, S3Uri.parse(job.output()).asPrefix().toString(), modelMode, job.options());
        String acceptedAt = earlier.map(JobFiles.Plan::acceptedAt).orElse(Instant.now().toString());
        // also proves the output prefix is writable before anything is queued
        files.writePlan(new JobFiles.Plan(job.jobId(), plan.keys().size(), slices.size(), shardSize, acceptedAt,
                false));
        metrics.job("accepted");
        out.event(JobEvent.builder(job.jobId(), EventType.ACCEPTED).total(plan.keys().size())
                .message(plan.keys().size() + " inputs under " + plan.base() + " in " + slices.size() + " shard(s) of "
                        + shardSize + "; model " + job.model() + " (" + modelMode.wire() + ")")
                .build());
        int partitions = topics.shardPartitions();
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
            List<String> uris = slices.get(i).stream().map(k -> plan.base().child(k).toString()).toList();
            // not Shard.of, which drops the job's input: here it is the base prefix (one string) that
            // output keys are relative to, and shards of one job must agree on it
            Shard shard = new Shard(SchemaVersion.CURRENT, job.jobId(), i, slices.size(), uris, fanned);
            sent.add(out.sendAsync(cfg.topics().translateShards(), shard.kafkaKey(),
                    InputPlanner.partition(job.jobId(), i, partitions), Json.write(shard), null));
        }
        for (CompletableFuture<Void> f : sent) {
            Publisher.await(f, cfg.topics().translateShards());
        }
        files.writePlan(new JobFiles.Plan(job.jobId(), plan.keys().size(), slices.size(), shardSize, acceptedAt,
                true));
        LOG.infof("job %s: %d inputs in %d shards queued", job.jobId(), plan.keys().size(), slices.size());
    }

    /** The jobId of an invalid message, when it has a usable one. */
    static Optional<String> readableJobId(String payload) {
        try {
            JsonNode n = Json.mapper().readTree(payload);
            JsonNode id = n == null ? null : n.get("jobId");
            if (id != null && id.isTextual() && JOB_ID.matcher(id.asText()).matches()) {
                return Optional.of(id.asText());
            }
        } catch (Exception e) {
            // not JSON at all
        }
        return Optional.empty();
    }
}
