package dev.pix2pix.worker.infer;

import dev.pix2pix.delivery.Limits;
import dev.pix2pix.infer.OutputPolicy;
import dev.pix2pix.infer.TranslatePlan;
import dev.pix2pix.infer.Translator;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.FailureCode;
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
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.CancelRegistry;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.MessageRunner;
import dev.pix2pix.worker.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Turns a {@link TranslateJob} into shards. Whatever happens, the job message ends in one outcome,
 * published with its offset in one transaction: accepted + all its shards; or a failed event naming
 * the problem (invalid message, also to the dead-letter topic; over a limit; a model or render size
 * that cannot work; colliding output names; S3 unreachable past the wait; a message that killed the
 * worker repeatedly); or cancelled. The plan in {@code _manifest/<jobId>/job.json} and the job's
 * state make a duplicate message of the job change nothing.
 */
@ApplicationScoped
public class JobIntake {
    private static final Logger LOG = Logger.getLogger(JobIntake.class);

    @Inject
    ObjectStore store;
    @Inject
    DeadLetters dlq;
    @Inject
    CancelRegistry cancels;
    @Inject
    InferMetrics metrics;
    @Inject
    InferConfig cfg;
    @Inject
    TopicSetup topics;
    @Inject
    ChannelRunners runners;
    @Inject
    Limits limits;
    @Inject
    AttemptMarkers attempts;

    private final JobValidator validator = new JobValidator();

    @Incoming(ChannelRunners.JOBS)
    public CompletionStage<Void> onJob(Message<String> message) {
        return runners.runner(ChannelRunners.JOBS).run(message, this::handle, this::failure);
    }

    Outcome handle(MessageRunner.Delivery d) {
        String events = cfg.topics().events();
        Validated<TranslateJob> v = validator.translate(d.payload());
        if (!v.ok()) {
            String reason = "invalid translate job (sent to the dead-letter topic): " + String.join("; ", v.violations());
            metrics.job("invalid");
            Outcome.Builder out = new Outcome.Builder();
            out.add(dlq.of(d, FailureCode.INVALID.name(), reason));
            JobValidator.readableJobId(d.payload()).ifPresent(id -> out.add(events, id, Json.write(
                    JobEvent.builder(id, EventType.FAILED).code(FailureCode.INVALID).reason(reason).build())));
            return out.build("invalid");
        }
        TranslateJob job = v.value();
        MDC.put("jobId", job.jobId());
        S3Uri output;
        try {
            output = S3Uri.parse(job.output()).asPrefix();
        } catch (IllegalArgumentException e) {
            return JobEnd.failed(null, d, events, job.jobId(), FailureCode.REFUSED, "output: " + e.getMessage(),
                    metrics).build("refused");
        }
        if (!store.config().allows(output.bucket())) {
            return JobEnd.failed(null, d, events, job.jobId(), FailureCode.REFUSED, "output bucket " + output.bucket()
                    + " is not allowed for this worker (allowed: " + store.config().allowedBuckets() + ")", metrics)
                    .build("refused");
        }
        JobFiles files = new JobFiles(store, output, job.jobId());
        Optional<Outcome> ended = JobEnd.ifEnded(files, d, events);
        if (ended.isPresent()) {
            metrics.job("duplicate");
            return ended.get();
        }
        Optional<JobFiles.Plan> earlier = files.plan();
        if (earlier.isPresent() && !d.source().equals(earlier.get().source())) {
            metrics.job("duplicate");
            return Outcome.nothing("job " + job.jobId() + " was already accepted from " + earlier.get().source()
                    + "; this duplicate changes nothing");
        }
        if (cancels.isCancelled(job.jobId())) {
            metrics.job("cancelled");
            return JobEnd.end(files, d, events, JobEvent.builder(job.jobId(), EventType.CANCELLED)
                    .reason(cancels.reason(job.jobId()).orElse("cancelled")).message("cancelled before it started")
                    .build()).build("cancelled");
        }
        List<String> over = limits.violations(job);
        if (!over.isEmpty()) {
            return JobEnd.failed(files, d, events, job.jobId(), FailureCode.LIMIT, Limits.reason(over), metrics)
                    .build("over limits");
        }
        S3Uri marker = files.attemptUri(d.source());
        int deaths = attempts.begin(marker, d.source());
        d.whenDone(() -> attempts.end(marker));
        if (attempts.poison(deaths)) {
            String reason = AttemptMarkers.poisonReason("accepting this job", deaths);
            metrics.job("poison");
            return JobEnd.failed(files, d, events, job.jobId(), FailureCode.POISON, reason, metrics)
                    .add(dlq.of(d, FailureCode.POISON.name(), reason)).build("poison");
        }
        try {
            return accept(job, files, d);
        } catch (InputPlanner.Refused e) {
            return JobEnd.failed(files, d, events, job.jobId(), e.code(), e.getMessage(), metrics).build("refused");
        } catch (ModelCache.ModelException e) {
            return JobEnd.failed(files, d, events, job.jobId(), FailureCode.MODEL, e.getMessage(), metrics)
                    .build("model");
        } catch (StoreException e) {
            return JobEnd.failed(files, d, events, job.jobId(), e.kind() == StoreException.Kind.TRANSIENT
                    ? FailureCode.OUTAGE : FailureCode.REFUSED, e.getMessage(), metrics).build("store");
        }
    }

    /** After repeated unexpected failures: a failed event, and the message to the dead-letter topic. */
    Outcome failure(MessageRunner.Delivery d, Throwable error, int tries) {
        String reason = "intake failed " + tries + " time(s): " + error;
        Outcome.Builder b = new Outcome.Builder().add(dlq.of(d, FailureCode.INTERNAL.name(), reason));
        JobValidator.readableJobId(d.payload()).ifPresent(id -> b.add(cfg.topics().events(), id, Json.write(
                JobEvent.builder(id, EventType.FAILED).code(FailureCode.INTERNAL).reason(reason).build())));
        metrics.job("failed");
        return b.build("failed unexpectedly");
    }

    private Outcome accept(TranslateJob job, JobFiles files, MessageRunner.Delivery d)
            throws InputPlanner.Refused, ModelCache.ModelException {
        String direction = job.direction() == null ? null : job.direction().wire();
        ModelCache.Ref model = ModelCache.locate(store, job.model(), direction);
        ModelCache.checkSize(store, model, limits.maxModelBytes());
        ModelInfo info = ModelCache.readInfo(store, model);
        String directionRefusal = model.uri().equals(job.model()) ? ModelFolder.directionRefusal(info, direction) : null;
        if (directionRefusal != null) {
            throw new InputPlanner.Refused("direction " + direction + ": model " + job.model() + " " + directionRefusal);
        }
        String refusal = dev.pix2pix.infer.Translator.modeRefusal(info, job.mode() == null ? null : job.mode().wire());
        if (refusal != null) {
            throw new InputPlanner.Refused(refusal.replace("this model", "model " + job.model()));
        }
        // an RGB model colorizes when asked to (its chroma on the input's lightness); the shards run that mode
        TranslateJob.Mode modelMode = info.colorize() || job.mode() == TranslateJob.Mode.COLORIZE
                ? TranslateJob.Mode.COLORIZE : TranslateJob.Mode.TRANSLATE;
        TranslateJob.Options o = job.options() == null ? TranslateJob.Options.defaults() : job.options();
        TranslatePlan translation;
        try {
            translation = TranslatePlan.of(o, 1, limits);
        } catch (IllegalArgumentException e) {
            throw new InputPlanner.Refused("options: " + e.getMessage());
        }
        try {
            Translator.check(info.spec(), info, translation.settings());
        } catch (IllegalArgumentException e) {
            throw new InputPlanner.Refused("options.renderSize: " + e.getMessage());
        }
        InputPlanner.Plan plan = InputPlanner.plan(job, store::list, limits.maxInputsPerJob());
        SortedMap<String, List<String>> collisions = translation.output().collisions(plan.keys());
        if (!collisions.isEmpty()) {
            throw new InputPlanner.Refused(OutputPolicy.describeCollisions(collisions, 5));
        }
        int shardSize = limits.shardSizeFor(o, cfg.infer().shardSize());
        List<List<String>> slices = InputPlanner.split(plan.keys(), shardSize);
        // the shards carry the base prefix as their job's input: output keys are relative to it
        // a CycleGAN folder is resolved here once: the shards name the generator's own folder
        TranslateJob fanned = new TranslateJob(job.schemaVersion(), job.jobId(), model.uri(), plan.base().toString(),
                null, files.output().toString(), modelMode, job.options());
        files.writePlan(new JobFiles.Plan(job.jobId(), plan.keys().size(), slices.size(), shardSize,
                Instant.now().toString(), d.source()));
        Outcome.Builder out = new Outcome.Builder();
        out.add(cfg.topics().events(), job.jobId(), Json.write(JobEvent.builder(job.jobId(), EventType.ACCEPTED)
                .total(plan.keys().size())
                .message(plan.keys().size() + " inputs under " + plan.base() + " in " + slices.size() + " shard(s) of "
                        + shardSize + "; model " + model.uri() + " (" + modelMode.wire() + ")")
                .build()));
        int partitions = topics.shardPartitions();
        for (int i = 0; i < slices.size(); i++) {
            List<String> uris = slices.get(i).stream().map(k -> plan.base().child(k).toString()).toList();
            // not Shard.of, which drops the job's input: here it is the base prefix that output keys are
            // relative to, and shards of one job must agree on it
            Shard shard = new Shard(SchemaVersion.CURRENT, job.jobId(), i, slices.size(), uris, fanned);
            out.add(cfg.topics().translateShards(), shard.kafkaKey(), InputPlanner.partition(job.jobId(), i, partitions),
                    Json.write(shard), null);
        }
        metrics.job("accepted");
        LOG.infof("job %s: %d inputs in %d shards", job.jobId(), plan.keys().size(), slices.size());
        return out.build("accepted, " + slices.size() + " shard(s)");
    }
}
