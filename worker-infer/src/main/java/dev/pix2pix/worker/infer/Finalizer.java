package dev.pix2pix.worker.infer;

import dev.pix2pix.infer.ContactSheet;
import dev.pix2pix.infer.ItemResult;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.FailureCode;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.MessageRunner;
import dev.pix2pix.worker.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

/**
 * Counts shard completions and ends each translate job exactly once. Notes are keyed by jobId, so
 * all notes of a job are read by one consumer, in order. The count is what S3 holds (the parts
 * written), not memory: a finalizer that dies mid-job is replaced by another that sees the same
 * parts. When every part is there it writes {@code _manifest/<jobId>/manifest.jsonl} and
 * {@code _contact/<jobId>.html}, records the state with the completed event, and publishes the
 * event with the note's offset in one transaction (see {@link JobEnd}): the first failed or
 * cancelled note ends the job the same way.
 */
@ApplicationScoped
public class Finalizer {
    @Inject
    ObjectStore store;
    @Inject
    InferMetrics metrics;
    @Inject
    InferConfig cfg;
    @Inject
    DeadLetters dlq;
    @Inject
    ChannelRunners runners;
    @Inject
    AttemptMarkers attempts;

    @Incoming(ChannelRunners.DONE)
    public CompletionStage<Void> onDone(Message<String> message) {
        return runners.runner(ChannelRunners.DONE).run(message, this::handle, this::failure);
    }

    Outcome handle(MessageRunner.Delivery d) {
        ShardDone note;
        try {
            note = Json.read(d.payload(), ShardDone.class);
        } catch (IllegalArgumentException e) {
            return invalid(d, "invalid shard-done note: " + e.getMessage());
        }
        if (note.job() == null || note.job().output() == null || note.jobId() == null || note.count() < 1) {
            return invalid(d, "invalid shard-done note: no job");
        }
        MDC.put("jobId", note.jobId());
        JobFiles files = new JobFiles(store, S3Uri.parse(note.job().output()), note.jobId());
        String events = cfg.topics().events();
        try {
            Optional<Outcome> ended = JobEnd.ifEnded(files, d, events);
            if (ended.isPresent()) {
                return ended.get();
            }
            S3Uri marker = files.attemptUri(d.source());
            int deaths = attempts.begin(marker, d.source());
            d.whenDone(() -> attempts.end(marker));
            if (attempts.poison(deaths)) {
                String reason = AttemptMarkers.poisonReason("finalizing this job", deaths);
                return JobEnd.failed(files, d, events, note.jobId(), FailureCode.POISON, reason, metrics)
                        .add(dlq.of(d, FailureCode.POISON.name(), reason)).build("poison");
            }
            if (ShardDone.CANCELLED.equals(note.status())) {
                metrics.job("cancelled");
                return JobEnd.end(files, d, events, JobEvent.builder(note.jobId(), EventType.CANCELLED)
                        .reason(note.error()).shard(note.index()).build()).build("cancelled");
            }
            if (ShardDone.FAILED.equals(note.status())) {
                FailureCode code = note.code() == null ? FailureCode.INTERNAL : FailureCode.valueOf(note.code());
                metrics.job("failed");
                return JobEnd.end(files, d, events, JobEvent.builder(note.jobId(), EventType.FAILED).code(code)
                        .reason(note.error()).shard(note.index()).build()).build("failed");
            }
            return countOrComplete(note, files, d);
        } catch (StoreException | dev.pix2pix.infer.TranslatePipeline.Abort e) {
            // S3 gone past the wait: the job cannot be finalized, and says so
            boolean outage = e instanceof dev.pix2pix.infer.TranslatePipeline.Abort
                    || ((StoreException) e).kind() == StoreException.Kind.TRANSIENT;
            return JobEnd.failed(null, d, events, note.jobId(), outage ? FailureCode.OUTAGE : FailureCode.INTERNAL,
                    "cannot finalize: " + e.getMessage(), metrics).build("cannot finalize");
        }
    }

    Outcome failure(MessageRunner.Delivery d, Throwable error, int tries) {
        String reason = "cannot finalize (" + tries + " tries): " + error;
        Outcome.Builder b = new Outcome.Builder().add(dlq.of(d, FailureCode.INTERNAL.name(), reason));
        try {
            ShardDone note = Json.read(d.payload(), ShardDone.class);
            b.add(cfg.topics().events(), note.jobId(), Json.write(JobEvent.builder(note.jobId(), EventType.FAILED)
                    .code(FailureCode.INTERNAL).reason(reason).build()));
        } catch (RuntimeException ignored) {
            // unreadable: the dead letter says it all
        }
        metrics.job("failed");
        return b.build(reason);
    }

    private Outcome invalid(MessageRunner.Delivery d, String reason) {
        metrics.deadLettered();
        return Outcome.of(reason, List.of(dlq.of(d, FailureCode.INVALID.name(), reason)));
    }

    private Outcome countOrComplete(ShardDone d, JobFiles files, MessageRunner.Delivery delivery) {
        Optional<JobFiles.Plan> plan = files.plan();
        TreeSet<Integer> parts = new TreeSet<>();
        for (ObjectInfo o : store.list(files.partsPrefix())) {
            int i = JobFiles.partIndex(o.key());
            if (i >= 0 && i < d.count()) {
                parts.add(i);
            }
        }
        long done = 0;
        for (int i : parts) {
            done += plan.map(p -> (long) p.itemsOfShard(i)).orElse(0L);
        }
        JobEvent.Builder progress = JobEvent.builder(d.jobId(), EventType.PROGRESS).shard(d.index()).done(done)
                .message(parts.size() + "/" + d.count() + " shards done");
        if (plan.isPresent()) {
            double seconds = Duration.between(Instant.parse(plan.get().acceptedAt()), Instant.now()).toMillis() / 1e3;
            double rate = seconds > 0 ? done / seconds : Double.NaN;
            progress.total(plan.get().total()).rate(rate).etaSeconds((plan.get().total() - done) / rate);
        }
        String events = cfg.topics().events();
        if (parts.size() < d.count()) {
            return new Outcome.Builder().add(events, d.jobId(), Json.write(progress.build()))
                    .build(parts.size() + "/" + d.count() + " shards");
        }
        JobEvent completed = complete(d, files, plan);
        metrics.job("completed");
        Outcome.Builder b = new Outcome.Builder().add(events, d.jobId(), Json.write(progress.build()));
        JobEnd.end(files, delivery, events, completed).records().forEach(b::add);
        return b.build("completed");
    }

    private JobEvent complete(ShardDone d, JobFiles files, Optional<JobFiles.Plan> plan) {
        List<ManifestLine> lines = new ArrayList<>();
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < d.count(); i++) {
            String text = new String(store.get(files.partUri(i)), StandardCharsets.UTF_8);
            List<ManifestLine> part = ShardProcessor.parseLines(text);
            lines.addAll(part);
            for (ManifestLine l : part) {
                manifest.append(Json.write(l)).append('\n');
            }
        }
        store.put(files.manifestUri(), manifest.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        S3Uri base = S3Uri.parse(d.job().input()).asPrefix();
        List<ItemResult> results = new ArrayList<>();
        long ok = 0;
        long exists = 0;
        long failed = 0;
        for (ManifestLine l : lines) {
            String in = S3Uri.parse(l.input()).relativeTo(base);
            switch (l.status()) {
                case ManifestLine.FAILED -> {
                    failed++;
                    results.add(ItemResult.failed(in, l.reason(), l.error()));
                }
                case ManifestLine.EXISTS -> {
                    exists++;
                    results.add(ItemResult.exists(in, S3Uri.parse(l.output()).relativeTo(files.output())));
                }
                default -> {
                    ok++;
                    results.add(ItemResult.ok(in, S3Uri.parse(l.output()).relativeTo(files.output()),
                            l.width() == null ? 0 : l.width(), l.height() == null ? 0 : l.height()));
                }
            }
        }
        String page = d.jobId() + ".html";
        S3Uri index = files.output().child(ContactSheet.DIR + "/" + page);
        try {
            ContactSheet.writeIndex(S3Io.sink(store, files.output(), null), page, d.job().modeOrDefault().wire()
                    + " job " + d.jobId() + " (" + d.job().model() + ")", results);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + index + ": " + e.getMessage(), e);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("inputs", (long) lines.size());
        counts.put("outputs", ok + exists);
        counts.put("failed", failed);
        counts.put("skippedExisting", exists);
        JobEvent.Builder completed = JobEvent.builder(d.jobId(), EventType.COMPLETED).total(lines.size())
                .done(lines.size()).counts(counts)
                .outputs(List.of(files.output().toString(), files.manifestUri().toString(), index.toString()))
                .message((ok + exists) + " outputs, " + failed + " failed");
        plan.ifPresent(p -> completed.seconds(
                Duration.between(Instant.parse(p.acceptedAt()), Instant.now()).toMillis() / 1e3));
        return completed.build();
    }
}
