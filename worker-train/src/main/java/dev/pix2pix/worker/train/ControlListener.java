package dev.pix2pix.worker.train;

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
 * Cancel requests. The channel uses a consumer group of its own per instance, so every replica sees
 * every cancel; the replica running the job stops it (see {@link TrainJobRunner}).
 */
@ApplicationScoped
public class ControlListener {
    private static final Logger LOG = Logger.getLogger(ControlListener.class);

    @Inject
    JobValidator validator;

    @Inject
    CancelRegistry cancels;

    @Inject
    dev.pix2pix.msg.Topics topics;

    @Inject
    @io.smallrye.common.annotation.Identifier("default-kafka-broker")
    java.util.Map<String, Object> kafka;

    /** Before the channels start: the cancels already on the topic are known before any job is taken. */
    void onStart(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(2) io.quarkus.runtime.StartupEvent e) {
        int n = dev.pix2pix.worker.CancelLog.load(kafka, topics.control(), cancels, java.time.Duration.ofSeconds(60));
        LOG.infof("%d cancel(s) read from %s", n, topics.control());
    }

    @Incoming("control")
    public CompletionStage<Void> onControl(Message<String> msg) {
        Validated<CancelJob> v = validator.cancel(msg.getPayload());
        if (!v.ok()) {
            // every replica reads this topic: a bad message is only logged, not dead-lettered N times
            LOG.warnf("ignored invalid control message: %s", String.join("; ", v.violations()));
        } else {
            Instant at = msg.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(IncomingKafkaRecordMetadata::getTimestamp).orElse(Instant.now());
            cancels.cancel(v.value().jobId(), v.value().reason(), at);
            LOG.infof("cancel requested for job %s", v.value().jobId());
        }
        return msg.ack();
    }
}
