package dev.pix2pix.worker.train;

import ai.djl.Device;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.FailureCode;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.Validated;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.MessageRunner;
import dev.pix2pix.worker.Outcome;
import dev.pix2pix.worker.PartitionTracker;
import dev.pix2pix.worker.TxPublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Train jobs from Kafka, one at a time on one platform thread ("pix2pix-train"): a worker trains one
 * model at a time (a GPU holds one training), never on the event loop. The connector delivers the
 * next message once the job is over (max.poll.records=1; it keeps polling with the partition
 * paused, so a long training neither exceeds max.poll.interval.ms nor triggers a rebalance). A job
 * ends in one outcome, its terminal event published with the job's offset in one transaction; a job
 * interrupted by shutdown or by losing its partition ({@link TrainRebalanceListener}) checkpoints
 * and is left uncommitted, then resumed from its S3 checkpoint by whoever gets it next.
 */
@ApplicationScoped
public class TrainJobConsumer {
    private static final Logger LOG = Logger.getLogger(TrainJobConsumer.class);

    @Inject
    JobValidator validator;
    @Inject
    TrainJobRunner runner;
    @Inject
    TrainMetrics metrics;
    @Inject
    WorkerConfig cfg;
    @Inject
    Device device;
    @Inject
    Topics topics;
    @Inject
    DeadLetters dlq;
    @Inject
    TxPublisher publisher;

    private final PartitionTracker partitions = new PartitionTracker();
    private volatile boolean stopping;
    private MessageRunner thread;

    @PostConstruct
    void init() {
        thread = new MessageRunner("pix2pix-train", dlq, partitions, publisher, () -> stopping,
                cfg.delivery().attempts(), Duration.ofSeconds(5));
    }

    /** Loads the engine at startup rather than on the first job (and fails the boot if it cannot). */
    void onStart(@Observes StartupEvent ev) {
        LOG.infof("train worker ready on %s", device);
    }

    @Incoming("train-jobs")
    public CompletionStage<Void> onJob(Message<String> msg) {
        return thread.run(msg, this::handle, this::failure);
    }

    Outcome handle(MessageRunner.Delivery d) {
        Validated<TrainJob> v = validator.train(d.payload());
        if (!v.ok()) {
            String reason = "invalid job message (sent to the dead-letter topic): " + String.join("; ", v.violations());
            LOG.warnf("invalid train job at %s: %s", d.source(), reason);
            metrics.job("invalid");
            Outcome.Builder b = new Outcome.Builder().add(dlq.of(d, FailureCode.INVALID.name(), reason));
            JobValidator.readableJobId(d.payload()).ifPresent(id -> b.add(topics.events(), id, Json.write(
                    JobEvent.builder(id, EventType.FAILED).code(FailureCode.INVALID).reason(reason).build())));
            return b.build("invalid");
        }
        TrainJob job = v.value();
        MDC.put("jobId", job.jobId());
        LOG.infof("train job %s received (%s)", job.jobId(), d.source());
        return runner.run(job, d, () -> stopping || !partitions.owns(d.topicPartition()));
    }

    /** A job whose handling kept failing outside the training: failed, and the message dead-lettered. */
    Outcome failure(MessageRunner.Delivery d, Throwable error, int tries) {
        String reason = "failed " + tries + " time(s): " + error;
        Outcome.Builder b = new Outcome.Builder().add(dlq.of(d, FailureCode.INTERNAL.name(), reason));
        JobValidator.readableJobId(d.payload()).ifPresent(id -> b.add(topics.events(), id, Json.write(
                JobEvent.builder(id, EventType.FAILED).code(FailureCode.INTERNAL).reason(reason).build())));
        metrics.job("failed");
        return b.build(reason);
    }

    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> tps) {
        partitions.assigned(consumer, tps);
    }

    /**
     * Called by the rebalance listener on the consumer's thread: the partitions are no longer ours, so a
     * running job on one of them stops (and checkpoints); wait for that before the partition (with
     * the uncommitted job) goes to another replica, so two replicas never train one job at once.
     */
    void partitionsGone(Consumer<?, ?> consumer, Collection<TopicPartition> tps) {
        if (tps.isEmpty()) {
            return;
        }
        partitions.revoked(consumer, tps);
        MessageRunner.Delivery d = thread.current();
        if (d != null && tps.contains(d.topicPartition())) {
            LOG.infof("partition %s of the running job was revoked; stopping the job so that its new owner resumes it",
                    d.topicPartition());
            if (!thread.awaitNoneOf(tps, cfg.train().shutdownWait())) {
                LOG.warnf("the job on %s did not stop within %s", d.topicPartition(), cfg.train().shutdownWait());
            }
        }
    }

    /**
     * SIGTERM: ask the running training to stop (it checkpoints; the listener uploads the checkpoint),
     * wait for that, and leave its message uncommitted. Runs before the messaging channels close.
     */
    void onStop(@Observes @Priority(1) ShutdownEvent ev) {
        stopping = true;
        MessageRunner.Delivery d = thread.current();
        if (d != null && !thread.awaitNoneOf(java.util.List.of(d.topicPartition()), cfg.train().shutdownWait())) {
            LOG.warnf("training did not stop within %s", cfg.train().shutdownWait());
        }
        thread.close();
    }
}
