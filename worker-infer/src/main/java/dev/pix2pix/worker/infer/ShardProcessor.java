package dev.pix2pix.worker.infer;

import dev.pix2pix.delivery.Limits;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.Provenance;
import dev.pix2pix.infer.ContactSheet;
import dev.pix2pix.infer.ItemResult;
import dev.pix2pix.infer.TranslatePlan;
import dev.pix2pix.infer.TranslatePipeline;
import dev.pix2pix.infer.Translator;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.FailureCode;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Shard;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.CancelRegistry;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.MessageRunner;
import dev.pix2pix.worker.Outcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Runs one shard: model from the cache, inputs from S3, {@link TranslatePipeline} with an S3 sink
 * (outputs this job already wrote are skipped, so a redelivered shard neither duplicates nor loses
 * anything), thumbnails, and the shard's manifest part. Its outcome is the shard-done note for the
 * finalizer plus one item-failed event per input that failed for its own bytes; a shard that cannot
 * run ends as a failed note naming why. Stopping, or losing the partition, leaves it uncommitted.
 */
final class ShardProcessor {
    private static final Logger LOG = Logger.getLogger(ShardProcessor.class);

    private final ObjectStore store;
    private final ModelCache models;
    private final CancelRegistry cancels;
    private final InferMetrics metrics;
    private final InferConfig cfg;
    private final Limits limits;
    private final AttemptMarkers attempts;
    private final DeadLetters dlq;

    ShardProcessor(ObjectStore store, ModelCache models, CancelRegistry cancels, InferMetrics metrics, InferConfig cfg,
            Limits limits, AttemptMarkers attempts, DeadLetters dlq) {
        this.dlq = dlq;
        this.store = store;
        this.models = models;
        this.cancels = cancels;
        this.metrics = metrics;
        this.cfg = cfg;
        this.limits = limits;
        this.attempts = attempts;
    }

    /**
     * @param stop stopping, or the shard's partition was revoked: leave the shard at an item boundary
     */
    Outcome process(Shard shard, MessageRunner.Delivery d, BooleanSupplier stop) throws InterruptedException {
        TranslateJob job = shard.job();
        String jobId = shard.jobId();
        JobFiles files = new JobFiles(store, S3Uri.parse(job.output()), jobId);
        if (files.state().isPresent()) {
            LOG.infof("shard %d/%d: job already ended, skipped", shard.index() + 1, shard.count());
            metrics.shard("skipped");
            return Outcome.nothing("job already ended");
        }
        if (cancels.isCancelled(jobId)) {
            metrics.shard("cancelled");
            return note(shard, ShardDone.CANCELLED, List.of(), 0, cancels.reason(jobId).orElse("cancelled"), null);
        }
        if (job.input() == null) {
            metrics.shard("failed");
            return note(shard, ShardDone.FAILED, List.of(), 0, "shard " + shard.index()
                    + " has no base prefix (job.input): it was not fanned out by worker-infer", FailureCode.INTERNAL);
        }
        Optional<List<ManifestLine>> written = existingPart(files, shard);
        if (written.isPresent()) {
            // a redelivery after the part was written: its outcome (note, item-failed events) is published now
            LOG.infof("shard %d/%d: part already written, reporting it", shard.index() + 1, shard.count());
            return note(shard, ShardDone.DONE, written.get(), 0, null, null);
        }
        S3Uri marker = files.attemptUri(d.source());
        int deaths = attempts.begin(marker, d.source());
        d.whenDone(() -> attempts.end(marker));
        if (attempts.poison(deaths)) {
            metrics.shard("poison");
            String reason = AttemptMarkers.poisonReason("shard " + shard.index() + " of " + shard.count(), deaths);
            return Outcome.of("poison", List.of(dlq.of(d, FailureCode.POISON.name(), reason)))
                    .plus(note(shard, ShardDone.FAILED, List.of(), 0, reason, FailureCode.POISON));
        }
        ModelCache.Loaded model;
        try {
            model = models.get(job.model());
        } catch (ModelCache.ModelException e) {
            metrics.shard("failed");
            return note(shard, ShardDone.FAILED, List.of(), 0, e.getMessage(), FailureCode.MODEL);
        }
        S3Uri base = base(shard);
        S3Uri output = files.output();
        List<String> keys = new ArrayList<>();
        for (String uri : shard.inputs()) {
            keys.add(S3Uri.parse(uri).relativeTo(base));
        }
        Translator translator;
        TranslatePlan plan;
        try {
            plan = TranslatePlan.of(job.options(), cfg.infer().batch(), limits);
            translator = new Translator(model.generator(), model.info(), plan.settings(),
                    model.info().colorize() || job.mode() == TranslateJob.Mode.COLORIZE);
        } catch (IllegalArgumentException e) {
            metrics.shard("failed");
            return note(shard, ShardDone.FAILED, List.of(), 0, e.getMessage(), FailureCode.REFUSED);
        }
        TranslatePipeline pipeline = new TranslatePipeline(translator, new ImageDecoder(plan.decode()), plan.output(),
                Provenance.colorized(job.model(), model.ref().etag()), cfg.infer().cpuThreads());
        S3Io.Writer writer = new S3Io.Writer(jobId, model.ref().etag(), optionsDigest(job));
        TranslatePipeline.Sink sink = S3Io.sink(store, output, writer);
        ContactSheet thumbs = new ContactSheet(S3Io.sink(store, output, null));
        BooleanSupplier cancelled = () -> stop.getAsBoolean() || cancels.isCancelled(jobId);
        long t0 = System.nanoTime();
        List<ItemResult> results;
        try {
            results = pipeline.run(keys, S3Io.source(store, base, limits.maxObjectBytes()), sink,
                    new TranslatePipeline.Listener() {
                        @Override
                        public void result(ItemResult r) {
                            metrics.item(r.status());
                            dev.pix2pix.delivery.Failpoint.hit("shard.after-an-item"); // fault tests: mid-shard
                            dev.pix2pix.delivery.Failpoint.delay("shard.item");
                        }

                        @Override
                        public void output(String in, String outKey, FloatImage input, FloatImage result) {
                            thumbs.output(in, outKey, input, result);
                        }
                    }, cancelled, model.manager());
        } catch (TranslatePipeline.Abort e) {
            if (stop.getAsBoolean()) {
                return Outcome.leave("stopping during an outage");
            }
            metrics.shard("failed");
            return note(shard, ShardDone.FAILED, List.of(), 0, "shard " + shard.index() + " stopped: "
                    + e.getMessage(), FailureCode.OUTAGE);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (results.size() < keys.size()) {
            if (stop.getAsBoolean()) {
                LOG.infof("shard %d/%d: stopped after %d of %d items (stopping, or the partition moved); left for "
                        + "its next owner", shard.index() + 1, shard.count(), results.size(), keys.size());
                return Outcome.leave("stopped at an item boundary");
            }
            metrics.shard("cancelled");
            return note(shard, ShardDone.CANCELLED, List.of(), seconds, cancels.reason(jobId).orElse("cancelled"),
                    null);
        }
        results.sort(Comparator.comparing(ItemResult::input));
        List<ManifestLine> lines = new ArrayList<>();
        for (ItemResult r : results) {
            lines.add(new ManifestLine(jobId, shard.index(), base.child(r.input()).toString(),
                    r.output() == null || r.status() == ItemResult.Status.FAILED ? null
                            : output.child(r.output()).toString(),
                    r.status().name().toLowerCase(java.util.Locale.ROOT), r.reason(), r.error(), r.width(),
                    r.height(), job.model(), model.ref().etag(), CodeVersion.get(), plan.settings().seed(), cfg.instanceId()));
        }
        StringBuilder part = new StringBuilder();
        for (ManifestLine l : lines) {
            part.append(Json.write(l)).append('\n');
        }
        store.put(files.partUri(shard.index()), part.toString().getBytes(StandardCharsets.UTF_8),
                "application/x-ndjson");
        long ok = count(lines, ManifestLine.OK);
        metrics.shardDone(seconds, pipeline.times().forward.sum(), ok);
        LOG.infof("shard %d/%d: %d items in %.1f s (%d written, %d existed, %d failed)", shard.index() + 1,
                shard.count(), lines.size(), seconds, ok, count(lines, ManifestLine.EXISTS),
                count(lines, ManifestLine.FAILED));
        return note(shard, ShardDone.DONE, lines, seconds, null, null);
    }

    /** The part of an earlier delivery, if it covers exactly this shard's inputs for this job. */
    private Optional<List<ManifestLine>> existingPart(JobFiles files, Shard shard) {
        S3Uri uri = files.partUri(shard.index());
        if (!store.exists(uri)) {
            return Optional.empty();
        }
        List<ManifestLine> lines = parseLines(new String(store.get(uri), StandardCharsets.UTF_8));
        Set<String> inputs = new HashSet<>();
        for (ManifestLine l : lines) {
            if (!shard.jobId().equals(l.jobId())) {
                return Optional.empty();
            }
            inputs.add(l.input());
        }
        return inputs.equals(new HashSet<>(shard.inputs())) ? Optional.of(lines) : Optional.empty();
    }

    static List<ManifestLine> parseLines(String text) {
        List<ManifestLine> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(Json.read(line, ManifestLine.class));
            }
        }
        return lines;
    }

    /** The prefix output keys are relative to: the job's input prefix as fanned out by {@link JobIntake}. */
    static S3Uri base(Shard shard) {
        return S3Uri.parse(shard.job().input()).asPrefix();
    }

    /** What, besides the model, decides an output's pixels: equal digests mean equal outputs. */
    static String optionsDigest(TranslateJob job) {
        TranslateJob.Options o = job.options() == null ? TranslateJob.Options.defaults() : job.options();
        String s = job.modeOrDefault().wire() + "|" + Json.write(new TranslateJob.Options(o.evalMode(), o.renderSize(),
                o.outputFormat(), o.jpegQuality(), o.sixteenBit(), null, null, o.seed()));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(List<ManifestLine> lines, String status) {
        return lines.stream().filter(l -> status.equals(l.status())).count();
    }

    /** The shard's outcome: its item-failed events, then the note for the finalizer. */
    private Outcome note(Shard s, String status, List<ManifestLine> lines, double seconds, String error,
            FailureCode code) {
        Outcome.Builder b = new Outcome.Builder();
        for (ManifestLine l : lines) {
            if (ManifestLine.FAILED.equals(l.status())) {
                b.add(cfg.topics().events(), s.jobId(), Json.write(JobEvent.builder(s.jobId(), EventType.ITEM_FAILED)
                        .shard(s.index()).key(l.input()).reason(l.reason()).message(l.error()).build()));
            }
        }
        ShardDone note = ShardDone.of(s.job(), s.index(), s.count(), status, lines.size(),
                count(lines, ManifestLine.OK), count(lines, ManifestLine.EXISTS), count(lines, ManifestLine.FAILED),
                seconds, error, cfg.instanceId(), code);
        b.add(cfg.topics().translateDone(), s.jobId(), Json.write(note));
        return b.build("shard " + s.index() + " " + status + (error == null ? "" : ": " + error));
    }

    /** A shard that could not be handled at all: a failed note, so that its job still ends. */
    Outcome failedNote(Shard s, String error, FailureCode code) {
        return note(s, ShardDone.FAILED, List.of(), 0, error, code);
    }

    static boolean transientStore(Throwable t) {
        return t instanceof StoreException se && se.kind() == StoreException.Kind.TRANSIENT;
    }
}
