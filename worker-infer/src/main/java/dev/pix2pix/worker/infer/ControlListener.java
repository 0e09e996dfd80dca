package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.CancelJob;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Validated;
import dev.pix2pix.worker.CancelRegistry;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Cancels, read by every replica from the beginning of the control topic (a consumer group of this
 * instance alone), so a cancel published while no replica ran still reaches its job. Running
 * pipelines poll the registry and stop taking items; shards of a cancelled job are skipped; the
 * finalizer turns the first cancelled shard into the job's one cancelled event.
 */
@ApplicationScoped
public class ControlListener {
    private static final Logger LOG = Logger.getLogger(ControlListener.class);

    @Inject
    CancelRegistry cancels;
    @Inject
    InferConfig cfg;
    @Inject
    @io.smallrye.common.annotation.Identifier("default-kafka-broker")
    java.util.Map<String, Object> kafka;

    private final JobValidator validator = new JobValidator();

    /** Before the channels start: the cancels already on the topic are known before any job is taken. */
    void onStart(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(
            jakarta.interceptor.Interceptor.Priority.PLATFORM_BEFORE + 1) io.quarkus.runtime.StartupEvent e) {
        int n = dev.pix2pix.worker.CancelLog.load(kafka, cfg.topics().control(), cancels,
                java.time.Duration.ofSeconds(60));
        LOG.infof("%d cancel(s) read from %s", n, cfg.topics().control());
    }

    @Incoming("control")
    public CompletionStage<Void> onControl(Message<String> msg) {
        Validated<CancelJob> v = validator.cancel(msg.getPayload());
        if (!v.ok()) {
            // every replica reads every control message: dead-lettering here would multiply it
            LOG.warnf("ignoring an invalid control message: %s", String.join("; ", v.violations()));
        } else {
            Instant at = msg.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(IncomingKafkaRecordMetadata::getTimestamp).orElse(Instant.now());
            LOG.infof("cancel requested for job %s", v.value().jobId());
            cancels.cancel(v.value().jobId(), v.value().reason(), at);
        }
        return msg.ack();
    }
}
