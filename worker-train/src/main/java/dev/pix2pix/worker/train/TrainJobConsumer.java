package dev.pix2pix.worker.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.Validated;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Train jobs from Kafka. Each message is handed to ONE platform thread ("pix2pix-train"): a worker
 * trains one model at a time (a GPU holds one training), never on the event loop. The returned
 * stage completes when the job is done, so the connector delivers the next message only then
 * (max.poll.records=1; the connector keeps polling with the partition paused, so a long training
 * neither exceeds max.poll.interval.ms nor triggers a rebalance). The message is acknowledged only
 * after the job completed, failed for good or was cancelled; a job interrupted by shutdown (or whose
 * partition was revoked, see {@link TrainRebalanceListener}) is left unacknowledged and is
 * redelivered, then resumed from its S3 checkpoint.
 */
@ApplicationScoped
public class TrainJobConsumer {
    private static final Logger LOG = Logger.getLogger(TrainJobConsumer.class);
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    @Inject
    JobValidator validator;

    @Inject
    TrainJobRunner runner;

    @Inject
    EventPublisher events;

    @Inject
    TrainMetrics metrics;

    @Inject
    WorkerConfig cfg;

    @Inject
    Device device;

    private final ExecutorService trainThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "pix2pix-train"));
    private volatile boolean stopping;
    /** The partition of the job in training (null when idle), and whether it was taken from us. */
    private volatile TopicPartition current;
    private final AtomicBoolean revoked = new AtomicBoolean();
    private final Object idle = new Object();

    /** Loads the engine at startup rather than on the first job (and fails the boot if it cannot). */
    void onStart(@Observes StartupEvent ev) {
        LOG.infof("train worker ready on %s", device);
    }

    @Incoming("train-jobs")
    public CompletionStage<Void> onJob(Message<String> msg) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (stopping) {
            done.complete(null); // not acknowledged: another replica (or our restart) gets it
            return done;
        }
        try {
            trainThread.execute(() -> {
                boolean ack = false;
                try {
                    ack = handle(msg);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "unexpected failure handling a train job; leaving it for redelivery");
                } finally {
                    if (ack) {
                        msg.ack().whenComplete((v, e) -> done.complete(null));
                    } else {
                        done.complete(null);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            done.complete(null); // shutting down
        }
        return done;
    }

    /** Returns whether to acknowledge. */
    private boolean handle(Message<String> msg) {
        String raw = msg.getPayload();
        Validated<TrainJob> v = validator.train(raw);
        if (!v.ok()) {
            String reason = String.join("; ", v.violations());
            Optional<String> jobId = jobIdOf(raw);
            LOG.warnf("invalid train job%s: %s; sent to the dead-letter topic", jobId.map(id -> " " + id).orElse(""),
                    reason);
            metrics.job("invalid");
            events.deadLetter(msg, reason);
            jobId.ifPresent(id -> events.send(JobEvent.builder(id, EventType.FAILED)
                    .reason("invalid job message (sent to the dead-letter topic): " + reason).build()));
            return true;
        }
        TrainJob job = v.value();
        MDC.put("jobId", job.jobId());
        revoked.set(false);
        current = msg.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> new TopicPartition(m.getTopic(), m.getPartition())).orElse(null);
        try {
            LOG.infof("train job %s received", job.jobId());
            boolean ack = runner.run(job, () -> stopping || revoked.get()) == TrainJobRunner.Disposition.ACK;
            return ack && !revoked.get(); // once revoked, the new owner decides
        } finally {
            synchronized (idle) {
                current = null;
                idle.notifyAll();
            }
            MDC.remove("jobId");
        }
    }

    /**
     * Called by the rebalance listener on the consumer's thread: if the running job's partition is
     * among those taken away, stop the job and wait until it has checkpointed, before the partition
     * (and with it the unacknowledged job) goes to another replica.
     */
    void partitionsGone(Collection<TopicPartition> partitions) {
        TopicPartition tp = current;
        if (tp == null || !partitions.contains(tp)) {
            return;
        }
        LOG.infof("partition %s of the running job was revoked; stopping the job so that its new owner resumes it", tp);
        revoked.set(true);
        long end = System.nanoTime() + cfg.train().shutdownWait().toNanos();
        synchronized (idle) {
            while (current != null && tp.equals(current) && System.nanoTime() < end) {
                try {
                    idle.wait(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The jobId of a message that failed validation, when it is there and well formed. */
    static Optional<String> jobIdOf(String raw) {
        try {
            JsonNode n = Json.mapper().readTree(raw);
            JsonNode id = n == null ? null : n.get("jobId");
            if (id != null && id.isTextual() && JOB_ID.matcher(id.asText()).matches()) {
                return Optional.of(id.asText());
            }
        } catch (Exception e) {
            // not JSON at all
        }
        return Optional.empty();
    }

    /**
     * SIGTERM: ask the running training to stop (it checkpoints; the listener uploads the checkpoint),
     * wait for that, and leave its message unacknowledged. Runs before the messaging channels close.
     */
    void onStop(@Observes @Priority(1) ShutdownEvent ev) {
        stopping = true;
        trainThread.shutdown();
        try {
            if (!trainThread.awaitTermination(cfg.train().shutdownWait().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("training did not stop within %s", cfg.train().shutdownWait());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
