package dev.pix2pix.worker.train;

import ai.djl.Device;
import dev.pix2pix.data.DataReport;
import dev.pix2pix.io.LocalFiles;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.model.LossLog;
import dev.pix2pix.delivery.Limits;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.FailureCode;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import dev.pix2pix.train.RunState;
import dev.pix2pix.train.TrainListener;
import dev.pix2pix.train.TrainOptions;
import dev.pix2pix.train.TrainPlan;
import dev.pix2pix.train.Trainer;
import dev.pix2pix.train.TrainingRun;
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.CancelRegistry;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.MessageRunner;
import dev.pix2pix.worker.Outcome;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Runs one validated training job end to end: markers, dataset cache, resume from the newest S3
 * checkpoint, training with events, publication. Called on the single training thread only.
 */
@ApplicationScoped
public class TrainJobRunner {
    private static final Logger LOG = Logger.getLogger(TrainJobRunner.class);

    @Inject
    ObjectStore store;

    @Inject
    EventPublisher events;

    @Inject
    CancelRegistry cancels;

    @Inject
    TrainMetrics metrics;

    @Inject
    WorkerConfig cfg;

    @Inject
    Device device;

    @Inject
    Topics topics;

    @Inject
    Limits limits;

    @Inject
    AttemptMarkers attempts;

    @Inject
    DeadLetters dlq;

    @Inject
    @Identifier("pix2pix-instance")
    String instance;

    /**
     * The outcome of one validated training job: its terminal event (completed, failed or
     * cancelled), recorded first in an end marker; or a leave when the worker stops or loses the
     * job's partition (checkpointed; the next owner resumes it). A job's message that finds the job
     * already ended publishes nothing, unless it is the very message that ended it (republished).
     */
    public Outcome run(TrainJob job, MessageRunner.Delivery d, BooleanSupplier stopping) {
        String id = job.jobId();
        ModelSync sync = null;
        try {
            // PyTorch's grad mode is per thread and on by default; the engine turns it off only on the
            // thread that loaded it. The trainer's optimizer updates weights in place outside its
            // gradient scopes, which torch refuses while grad mode is on.
            dev.pix2pix.nn.TorchEngine.gradMode(false);
            sync = new ModelSync(store, S3Uri.parse(job.output()));
            Optional<Markers.End> end = sync.end();
            if (end.isPresent()) {
                Markers.End e = end.get();
                if (!id.equals(e.jobId())) {
                    return refused(id, "output prefix " + sync.output() + " holds the " + e.state() + " model of job "
                            + e.jobId() + "; choose another output (or delete that one) to train " + id);
                }
                if (d.source().equals(e.source()) && e.event() != null) {
                    return terminal(e.event(), "publishing again the " + e.state() + " event");
                }
                metrics.job("duplicate");
                return Outcome.nothing("job " + id + " already " + e.state() + " at " + e.at() + "; not trained again");
            }
            Optional<Markers.Owner> owner = sync.readJson(ModelSync.OWNER, Markers.Owner.class);
            if (owner.isPresent() && !id.equals(owner.get().jobId())) {
                return refused(id, "output prefix " + sync.output() + " is being trained into by job "
                        + owner.get().jobId() + " (since " + owner.get().startedAt() + "); choose another output");
            }
            if (owner.isEmpty() && sync.hasCheckpoints()) {
                return refused(id, "output prefix " + sync.output() + " holds checkpoints of an unknown job; choose "
                        + "another output (or delete them) to train " + id);
            }
            List<String> over = limits.violations(job);
            if (!over.isEmpty()) {
                return failed(id, sync, d, FailureCode.LIMIT, Limits.reason(over));
            }
            if (cancels.isCancelled(id)) {
                return cancelBeforeStart(id, sync, d);
            }
            S3Uri marker = sync.uri("_manifest/" + id + "/attempts/"
                    + d.source().replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
            int deaths = attempts.begin(marker, d.source());
            d.whenDone(() -> attempts.end(marker));
            if (attempts.poison(deaths)) {
                metrics.job("poison");
                String reason = AttemptMarkers.poisonReason("training this job", deaths);
                Outcome o = failed(id, sync, d, FailureCode.POISON, reason);
                return o.plus(Outcome.of("dead letter", List.of(dlq.of(d, FailureCode.POISON.name(), reason))));
            }
            if (owner.isEmpty()) {
                sync.putJson(ModelSync.OWNER, new Markers.Owner(id, Instant.now().toString(), instance));
            }
            return train(job, sync, d, stopping);
        } catch (Exception e) {
            if (stopping.getAsBoolean()) {
                LOG.warnf("job %s interrupted (stopping or partition revoked: %s); left for redelivery", id,
                        e.toString());
                metrics.job("interrupted");
                return Outcome.leave("interrupted: " + e);
            }
            String reason = describe(e);
            LOG.errorf(e, "job %s failed: %s", id, reason);
            FailureCode code = e instanceof StoreException se && se.kind() == StoreException.Kind.TRANSIENT
                    ? FailureCode.OUTAGE : e instanceof IllegalArgumentException ? FailureCode.REFUSED
                    : FailureCode.INTERNAL;
            if (sync == null) {
                return terminal(JobEvent.builder(id, EventType.FAILED).code(code).reason(reason).build(), "failed");
            }
            try {
                return failed(id, sync, d, code, reason);
            } catch (StoreException marker) {
                // S3 is gone: the failure is still reported (a redelivery might report it again)
                return terminal(JobEvent.builder(id, EventType.FAILED).code(code).reason(reason).build(), "failed");
            }
        } finally {
            metrics.running(false);
        }
    }

    /** A failed job: _FAILED.json first, then its failed event. */
    private Outcome failed(String id, ModelSync sync, MessageRunner.Delivery d, FailureCode code, String reason) {
        JobEvent e = JobEvent.builder(id, EventType.FAILED).code(code).reason(reason).build();
        sync.putJson(ModelSync.FAILED, new Markers.Failed(id, code.name(), reason, Instant.now().toString(), d.source(),
                e));
        metrics.job("failed");
        return terminal(e, "failed: " + reason);
    }

    /** Refused without touching the prefix (it is another job's). */
    private Outcome refused(String id, String reason) {
        LOG.warnf("job %s refused: %s", id, reason);
        metrics.job("failed");
        return terminal(JobEvent.builder(id, EventType.FAILED).code(FailureCode.REFUSED).reason(reason).build(),
                "refused");
    }

    private Outcome terminal(JobEvent e, String summary) {
        return new Outcome.Builder().add(topics.events(), e.jobId(), Json.write(e)).build(summary);
    }

    private Outcome train(TrainJob job, ModelSync sync, MessageRunner.Delivery d, BooleanSupplier stopping)
            throws Exception {
        String id = job.jobId();
        TrainPlan plan = TrainPlan.of(job);
        S3Uri dataset = S3Uri.parse(job.dataset());
        // not transactional: repeated by a redelivery, which is fine for a non-terminal event
        events.trySend(JobEvent.builder(id, EventType.ACCEPTED)
                .message("training " + plan.spec().netG() + " on " + dataset.asPrefix() + " into " + sync.output()
                        + " (device " + device + ")").build());
        metrics.job("started");
        long t0 = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean training = new java.util.concurrent.atomic.AtomicBoolean();
        try (ProgressHeartbeat heartbeat = new ProgressHeartbeat(id, cfg.train().progressInterval(), events::trySend);
                DatasetCache.Download download = new DatasetCache(store, cfg.workDir().resolve("datasets"),
                        cfg.train().datasetCacheBudget().asLongValue()).open(dataset, plan::preparedBytes,
                        (done, total) -> {
                            if (!training.get()) { // once training runs, its progress is the job's
                                heartbeat.update(new ProgressHeartbeat.Snapshot(done, total, Double.NaN, Double.NaN,
                                        null, "downloading dataset"));
                            }
                        })) {
            DatasetCache.Room room = download.room();
            if (!room.evicted().isEmpty()) {
                LOG.infof("dataset cache: removed %d least recently used dataset(s) to stay within %s", room.evicted().size(),
                        cfg.train().datasetCacheBudget());
            }
            if (!room.prepared()) {
                LOG.warn(room.message());
            }

            // S3 is the truth: a local folder left by an earlier attempt on this machine is discarded.
            Path modelDir = cfg.workDir().resolve("jobs").resolve(id);
            LocalFiles.deleteTree(modelDir);
            Files.createDirectories(modelDir);
            Optional<String> resumedFrom = sync.downloadLatestCheckpoint(modelDir);
            RunState saved = resumedFrom.isPresent() ? Trainer.checkpointState(modelDir).orElseThrow() : null;
            TrainOptions o = saved != null
                    ? Trainer.resumableOptions(saved, plan.spec(), plan.options().epochs(), plan.options().epochsDecay())
                    : plan.options();
            if (saved != null) {
                sync.downloadLossLog(modelDir, saved.epoch());
                LOG.infof("resuming from %scheckpoints/%s (epoch %d, iteration %d)", sync.output(), resumedFrom.get(),
                        saved.epoch(), saved.iteration());
            }
            OpenedRun opened = OpenedRun.open(plan, o, download, saved != null, modelDir, device, cfg.train());
            int pending = download.pending();
            String streaming = pending == 0 ? "all " + opened.entries() + " entries are local"
                    : "training starts while " + pending + " files download (each batch's files first)";
            LOG.infof("dataset %s: %d entries (%s, %s); %s%s", dataset, opened.entries(), plan.layout(), o.preprocess(),
                    streaming, room.prepared() ? "" : "; " + room.message());
            TrainingRun trainer = opened.run();
            try (opened) {
                metrics.running(true);
                JobListener listener = new JobListener(id, sync, trainer, opened.samples(), heartbeat, modelDir);
                training.set(true);
                Trainer.Result r = trainer.run(listener, () -> stopping.getAsBoolean() || cancels.isCancelled(id));
                metrics.running(false);
                heartbeat.close(); // no progress event after the terminal one
                if (r.outcome() == Trainer.Outcome.COMPLETED) {
                    DatasetCache.Fetched fetched = download.finish();
                    return complete(id, sync, d, r, opened.report().get(), fetched, modelDir, resumedFrom.orElse(null),
                            (System.nanoTime() - t0) / 1e9, room.message());
                }
                String checkpoint = listener.lastCheckpoint;
                if (cancels.isCancelled(id)) {
                    String reason = cancels.reason(id).orElse("cancelled");
                    JobEvent.Builder b = JobEvent.builder(id, EventType.CANCELLED).reason(reason).epoch(r.epoch())
                            .done(r.iteration());
                    if (checkpoint != null) {
                        b.checkpoint(checkpoint);
                    }
                    JobEvent e = b.build();
                    sync.putJson(ModelSync.CANCELLED, new Markers.Cancelled(id, reason, r.epoch(), r.iteration(),
                            checkpoint, Instant.now().toString(), d.source(), e));
                    metrics.job("cancelled");
                    LOG.infof("job %s cancelled at epoch %d, iteration %d", id, r.epoch(), r.iteration());
                    return terminal(e, "cancelled");
                }
                LOG.infof("job %s stopped (shutdown or partition revoked) at epoch %d, iteration %d; checkpoint %s "
                        + "uploaded; left for redelivery", id, r.epoch(), r.iteration(), checkpoint);
                metrics.job("interrupted");
                return Outcome.leave("interrupted at epoch " + r.epoch() + ", checkpoint " + checkpoint);
            }
        }
    }

    private Outcome complete(String id, ModelSync sync, MessageRunner.Delivery d, Trainer.Result r, DataReport data,
            DatasetCache.Fetched fetched, Path modelDir, String resumedFrom, double seconds, String dataNote)
            throws IOException {
        Map<String, Double> losses = r.lastLosses().isEmpty() ? lastLoggedLosses(modelDir) : r.lastLosses();
        CompletionReport report = new CompletionReport(id, r.epoch(), r.iteration(), losses, data, fetched,
                resumedFrom, seconds, device.toString(), CodeVersion.get());
        Files.writeString(modelDir.resolve(ModelSync.METRICS), Json.write(report.metricsFile()) + "\n");

        List<String> outputs = new ArrayList<>();
        outputs.add(sync.output().toString());
        outputs.addAll(sync.publishModel(modelDir));
        Map<String, Long> counts = report.counts();
        Map<String, Object> metricsOut = report.eventMetrics();
        JobEvent.Builder done = JobEvent.builder(id, EventType.COMPLETED).outputs(outputs).losses(losses)
                .counts(counts).metrics(metricsOut).seconds(seconds).epoch(r.epoch());
        if (dataNote != null) {
            done.message(dataNote);
        }
        JobEvent e = done.build();
        // the marker goes last: its presence means everything above is in place; the event follows it
        sync.putJson(ModelSync.SUCCESS, new Markers.Success(id, outputs, losses, counts, metricsOut,
                Instant.now().toString(), d.source(), e));
        metrics.job("completed");
        LOG.infof("job %s completed: %d epochs, %d iterations, model in %s", id, r.epoch(), r.iteration(),
                sync.output());
        return terminal(e, "completed");
    }

    private Outcome cancelBeforeStart(String id, ModelSync sync, MessageRunner.Delivery d) {
        String reason = cancels.reason(id).orElse("cancelled");
        JobEvent e = JobEvent.builder(id, EventType.CANCELLED).reason(reason).message("cancelled before it started")
                .build();
        sync.putJson(ModelSync.CANCELLED, new Markers.Cancelled(id, reason, null, null, null, Instant.now().toString(),
                d.source(), e));
        metrics.job("cancelled");
        return terminal(e, "cancelled before it started");
    }

    /** Callbacks of the trainer, on the training thread. */
    private final class JobListener implements TrainListener {
        private final String id;
        private final ModelSync sync;
        private final TrainingRun trainer;
        private final OpenedRun.Sampler samples;
        private final ProgressHeartbeat heartbeat;
        private final Path modelDir;
        private long lastIteration = -1;
        private long lastNanos = System.nanoTime();
        volatile String lastCheckpoint;

        JobListener(String id, ModelSync sync, TrainingRun trainer, OpenedRun.Sampler samples, ProgressHeartbeat heartbeat,
                Path modelDir) {
            this.id = id;
            this.sync = sync;
            this.trainer = trainer;
            this.samples = samples;
            this.heartbeat = heartbeat;
            this.modelDir = modelDir;
        }

        @Override
        public void progress(Progress p) {
            int batch = trainer.state().options().batch();
            double itPerSecond = p.imagesPerSecond() / batch;
            heartbeat.update(new ProgressHeartbeat.Snapshot(p.iteration(), p.totalIterations(), itPerSecond,
                    p.etaSeconds(), p.epoch(), String.format("epoch %d/%d, iteration %d/%d of the epoch, %.1f images/s",
                            p.epoch(), p.totalEpochs(), p.iterationInEpoch(), p.iterationsPerEpoch(),
                            p.imagesPerSecond())));
            long now = System.nanoTime();
            if (lastIteration >= 0) {
                metrics.iterations(p.iteration() - lastIteration, (now - lastNanos) / 1e9, p.imagesPerSecond());
            }
            lastIteration = p.iteration();
            lastNanos = now;
        }

        @Override
        public void epoch(EpochStats e) {
            List<String> strips = new ArrayList<>();
            try {
                if (samples != null) {
                    byte[] png = samples.render();
                    String name = String.format("samples/epoch_%03d.png", e.epoch());
                    sync.putPng(name, png);
                    strips.add(sync.uri(name).toString());
                }
            } catch (IOException | RuntimeException ex) {
                if (ex instanceof StoreException) {
                    throw (StoreException) ex;
                }
                LOG.warnf("epoch %d: could not render samples: %s", e.epoch(), ex.toString());
            }
            sync.uploadLossLog(modelDir);
            events.trySend(JobEvent.builder(id, EventType.EPOCH).epoch(e.epoch()).done(e.epoch()).total(e.totalEpochs())
                    .losses(e.losses()).seconds(e.seconds()).samples(strips).metrics(Map.of("lr", e.lr())).build());
        }

        @Override
        public void checkpoint(int epoch, long iteration, Path dir) {
            try {
                S3Uri uri = sync.uploadCheckpoint(dir, trainer.state().options().keepCheckpoints());
                sync.uploadLossLog(modelDir);
                lastCheckpoint = uri.toString();
                events.trySend(JobEvent.builder(id, EventType.CHECKPOINT).epoch(epoch).done(iteration)
                        .checkpoint(uri.toString()).build());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void warning(String message) {
            LOG.warn(message);
        }
    }

    private static Map<String, Double> lastLoggedLosses(Path modelDir) throws IOException {
        List<LossLog.Entry> log = LossLog.read(modelDir.resolve(LossLog.FILE));
        return log.isEmpty() ? new LinkedHashMap<>() : new LinkedHashMap<>(log.get(log.size() - 1).losses());
    }

    /** A failure reason for the failed event: store errors already name the object and what to check. */
    static String describe(Throwable e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof StoreException || t instanceof DatasetCache.DatasetException) {
            return t.getMessage();
        }
        if (t instanceof IllegalArgumentException) {
            return "invalid job: " + t.getMessage();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
