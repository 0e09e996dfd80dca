package dev.pix2pix.worker.infer;

import dev.pix2pix.image.DecodeLimits;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.Provenance;
import dev.pix2pix.infer.ContactSheet;
import dev.pix2pix.infer.InferenceSettings;
import dev.pix2pix.infer.ItemResult;
import dev.pix2pix.infer.OutputPolicy;
import dev.pix2pix.infer.TranslatePipeline;
import dev.pix2pix.infer.Translator;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Shard;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Runs one shard: model from the cache, inputs from S3, {@link TranslatePipeline} with an S3 sink
 * (outputs already present are skipped, so a redelivered shard neither duplicates nor loses
 * anything), item-failed events, thumbnails, and the shard's manifest part. Returns the note for the
 * finalizer, or empty when nothing should be reported (job already over, or stopping mid-shard).
 */
final class ShardProcessor {
    private static final Logger LOG = Logger.getLogger(ShardProcessor.class);

    /** @param note null = report nothing; leave = do not ack (redeliver) */
    record Result(ShardDone note, boolean leave) {}

    private final ObjectStore store;
    private final ModelCache models;
    private final Publisher out;
    private final CancelRegistry cancels;
    private final InferMetrics metrics;
    private final InferConfig cfg;
    private final BooleanSupplier stopping;

    ShardProcessor(ObjectStore store, ModelCache models, Publisher out, CancelRegistry cancels, InferMetrics metrics,
            InferConfig cfg, BooleanSupplier stopping) {
        this.store = store;
        this.models = models;
        this.out = out;
        this.cancels = cancels;
        this.metrics = metrics;
        this.cfg = cfg;
        this.stopping = stopping;
    }

    Result process(Shard shard) throws Exception {
        TranslateJob job = shard.job();
        String jobId = shard.jobId();
        JobFiles files = new JobFiles(store, S3Uri.parse(job.output()));
        if (files.state(jobId).isPresent()) {
            LOG.infof("shard %d/%d: job already ended, skipped", shard.index() + 1, shard.count());
            metrics.shard("skipped");
            return new Result(null, false);
        }
        if (cancels.isCancelled(jobId)) {
            metrics.shard("cancelled");
            return new Result(note(shard, ShardDone.CANCELLED, 0, 0, 0, 0, 0, cancels.reason(jobId)), false);
        }
        if (job.input() == null) {
            metrics.shard("failed");
            return new Result(note(shard, ShardDone.FAILED, 0, 0, 0, 0, 0, "shard " + shard.index()
                    + " has no base prefix (job.input): it was not fanned out by worker-infer"), false);
        }
        Optional<List<ManifestLine>> written = existingPart(files, shard);
        if (written.isPresent()) {
            // a redelivery after the part was written: report it again as it was
            LOG.infof("shard %d/%d: part already written, reporting it again", shard.index() + 1, shard.count());
            List<ManifestLine> lines = written.get();
            return new Result(note(shard, ShardDone.DONE, lines.size(), count(lines, ManifestLine.OK),
                    count(lines, ManifestLine.EXISTS), count(lines, ManifestLine.FAILED), 0, null), false);
        }
        ModelCache.Loaded model;
        try {
            model = models.get(job.model());
        } catch (ModelCache.ModelException e) {
            metrics.shard("failed");
            return new Result(note(shard, ShardDone.FAILED, 0, 0, 0, 0, 0, e.getMessage()), false);
        }
        S3Uri base = base(shard);
        S3Uri output = files.output();
        List<String> keys = new ArrayList<>();
        for (String uri : shard.inputs()) {
            keys.add(S3Uri.parse(uri).relativeTo(base));
        }
        TranslateJob.Options o = job.options() == null ? TranslateJob.Options.defaults() : job.options();
        long seed = o.seed() == null ? 0 : o.seed();
        Translator translator = new Translator(model.generator(), model.info(), new InferenceSettings(
                o.renderSize() == null ? 0 : o.renderSize(), Boolean.TRUE.equals(o.evalMode()), cfg.infer().batch(),
                seed, Boolean.TRUE.equals(o.fullResolution())));
        DecodeLimits limits = o.maxPixels() == null ? DecodeLimits.defaults()
                : DecodeLimits.defaults().withMaxPixels(o.maxPixels());
        OutputPolicy policy = new OutputPolicy(o.outputFormat() == null ? "png" : o.outputFormat().wire(),
                o.jpegQuality() == null ? 0.92f : o.jpegQuality() / 100f, Boolean.TRUE.equals(o.sixteenBit()));
        TranslatePipeline pipeline = new TranslatePipeline(translator, new ImageDecoder(limits), policy,
                Provenance.colorized(job.model(), model.ref().etag()), cfg.infer().cpuThreads());
        TranslatePipeline.Sink sink = S3Io.sink(store, output);
        ContactSheet thumbs = new ContactSheet(sink);
        BooleanSupplier cancelled = () -> stopping.getAsBoolean() || cancels.isCancelled(jobId);
        long t0 = System.nanoTime();
        List<ItemResult> results = pipeline.run(keys, S3Io.source(store, base), sink, new TranslatePipeline.Listener() {
            @Override
            public void result(ItemResult r) {
                metrics.item(r.status());
            }

            @Override
            public void output(String in, String outKey, FloatImage input, FloatImage result) {
                thumbs.output(in, outKey, input, result);
            }
        }, cancelled, model.manager());
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (results.size() < keys.size()) {
            if (stopping.getAsBoolean()) {
                LOG.infof("shard %d/%d: stopping after %d of %d items; left for redelivery", shard.index() + 1,
                        shard.count(), results.size(), keys.size());
                return new Result(null, true);
            }
            metrics.shard("cancelled");
            return new Result(note(shard, ShardDone.CANCELLED, results.size(), 0, 0, 0, seconds,
                    cancels.reason(jobId)), false);
        }
        results.sort(Comparator.comparing(ItemResult::input));
        List<ManifestLine> lines = new ArrayList<>();
        for (ItemResult r : results) {
            lines.add(new ManifestLine(jobId, shard.index(), base.child(r.input()).toString(),
                    r.output() == null || r.status() == ItemResult.Status.FAILED ? null
                            : output.child(r.output()).toString(),
                    r.status().name().toLowerCase(java.util.Locale.ROOT), r.reason(), r.error(), r.width(),
                    r.height(), job.model(), model.ref().etag(), CodeVersion.get(), seed, cfg.instanceId()));
        }
        for (ManifestLine l : lines) {
            if (ManifestLine.FAILED.equals(l.status())) {
                out.event(JobEvent.builder(jobId, EventType.ITEM_FAILED).shard(shard.index()).key(l.input())
                        .reason(l.reason()).message(l.error()).build());
            }
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
        return new Result(note(shard, ShardDone.DONE, lines.size(), ok, count(lines, ManifestLine.EXISTS),
                count(lines, ManifestLine.FAILED), seconds, null), false);
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
                return Optional.empty(); // left by another job on the same output prefix
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
        if (shard.job().input() == null) {
            throw new IllegalArgumentException("shard " + shard.index() + " of " + shard.jobId()
                    + " has no base prefix (job.input); it was not fanned out by worker-infer");
        }
        return S3Uri.parse(shard.job().input()).asPrefix();
    }

    private static long count(List<ManifestLine> lines, String status) {
        return lines.stream().filter(l -> status.equals(l.status())).count();
    }

    private ShardDone note(Shard s, String status, int items, long ok, long exists, long failed, double seconds,
            String error) {
        return ShardDone.of(s.job(), s.index(), s.count(), status, items, ok, exists, failed, seconds, error,
                cfg.instanceId());
    }
}
