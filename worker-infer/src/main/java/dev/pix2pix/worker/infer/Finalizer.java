package dev.pix2pix.worker.infer;

import dev.pix2pix.infer.ContactSheet;
import dev.pix2pix.infer.ItemResult;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectInfo;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Counts shard completions. Notes are keyed by jobId, so all notes of a job are read by one
 * consumer, in order. The count itself is what S3 holds (the parts written), not memory: a
 * finalizer that dies mid-job is replaced by another that sees the same parts. When every part is
 * there it writes manifest.jsonl and _contact/index.html, emits completed, and records the state
 * in _manifest/state.json; a redelivered note after that is a no-op. (A crash between the completed
 * event and state.json repeats the event on redelivery: the one unavoidable duplicate.)
 */
@ApplicationScoped
public class Finalizer {
    private static final Logger LOG = Logger.getLogger(Finalizer.class);

    @Inject
    ObjectStore store;
    @Inject
    Publisher out;
    @Inject
    InferMetrics metrics;
    @Inject
    InferConfig cfg;
    @Inject
    Lifecycle lifecycle;
    @Inject
    DeadLetters dlq;

    private Sequential thread;

    @PostConstruct
    void init() {
        thread = new Sequential("pix2pix-finalizer", lifecycle::stopping);
    }

    @PreDestroy
    void close() {
        thread.close();
    }

    @Incoming("translate-done")
    public CompletionStage<Void> onDone(Message<String> message) {
        return thread.run(message, (payload, msg) -> {
            ShardDone d;
            try {
                d = Json.read(payload, ShardDone.class);
            } catch (IllegalArgumentException e) {
                dlq.send(msg, "invalid shard-done note: " + e.getMessage());
                return Sequential.Outcome.ACK;
            }
            if (d.job() == null || d.job().output() == null) {
                dlq.send(msg, "invalid shard-done note: no job");
                return Sequential.Outcome.ACK;
            }
            MDC.put("jobId", d.jobId());
            try {
                handle(d);
            } catch (StoreException e) {
                if (e.kind() == StoreException.Kind.TRANSIENT) {
                    throw e; // retried
                }
                giveUp(d, e);
            } catch (RuntimeException e) {
                if (e.getCause() instanceof java.io.IOException) {
                    throw e; // retried
                }
                giveUp(d, e);
            }
            return Sequential.Outcome.ACK;
        });
    }

    /** A job whose parts cannot be finalized ends as failed rather than never. */
    private void giveUp(ShardDone d, RuntimeException e) {
        LOG.errorf(e, "cannot finalize job %s", d.jobId());
        String reason = "cannot finalize: " + e.getMessage();
        new JobFiles(store, S3Uri.parse(d.job().output())).writeState(d.jobId(), "failed", reason);
        metrics.job("failed");
        out.event(JobEvent.builder(d.jobId(), EventType.FAILED).reason(reason).build());
    }

    void handle(ShardDone d) {
        JobFiles files = new JobFiles(store, S3Uri.parse(d.job().output()));
        if (files.state(d.jobId()).isPresent()) {
            return; // already completed, failed or cancelled
        }
        if (ShardDone.CANCELLED.equals(d.status())) {
            files.writeState(d.jobId(), "cancelled", d.error());
            metrics.job("cancelled");
            out.event(JobEvent.builder(d.jobId(), EventType.CANCELLED).reason(d.error()).shard(d.index()).build());
            return;
        }
        if (ShardDone.FAILED.equals(d.status())) {
            files.writeState(d.jobId(), "failed", d.error());
            metrics.job("failed");
            out.event(JobEvent.builder(d.jobId(), EventType.FAILED).reason(d.error()).shard(d.index()).build());
            return;
        }
        Optional<JobFiles.Plan> plan = files.plan(d.jobId());
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
        out.event(progress.build());
        if (parts.size() == d.count()) {
            complete(d, files, plan);
        }
    }

    private void complete(ShardDone d, JobFiles files, Optional<JobFiles.Plan> plan) {
        List<ManifestLine> lines = new ArrayList<>();
        StringBuilder manifest = new StringBuilder();
        for (int i = 0; i < d.count(); i++) {
            String text = new String(store.get(files.partUri(i)), StandardCharsets.UTF_8);
            List<ManifestLine> part = ShardProcessor.parseLines(text);
            if (part.stream().anyMatch(l -> !d.jobId().equals(l.jobId()))) {
                LOG.warnf("part %d under %s belongs to another job; waiting for this job's part", i, files.output());
                return;
            }
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
        S3Uri index = files.output().child(ContactSheet.DIR + "/index.html");
        try {
            ContactSheet.writeIndex(S3Io.sink(store, files.output()), d.job().modeOrDefault().wire() + " job "
                    + d.jobId() + " (" + d.job().model() + ")", results);
        } catch (java.io.IOException e) {
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
        metrics.job("completed");
        out.event(completed.build());
        files.writeState(d.jobId(), "completed", null);
    }
}
