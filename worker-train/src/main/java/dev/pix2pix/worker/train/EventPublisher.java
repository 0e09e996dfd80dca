package dev.pix2pix.worker.train;

import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Non-terminal job events (accepted, progress, epoch, checkpoint), key = jobId so that one job's
 * events stay in order. Best effort: a lost one is replaced by the next, and a Kafka outage must not
 * stop a training. Terminal events and dead letters are the job's outcome instead: they are
 * published with the job's offset in one transaction ({@link dev.pix2pix.worker.TxPublisher}).
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    @Channel("events")
    MutinyEmitter<String> events;

    public void trySend(JobEvent e) {
        try {
            events.sendMessage(Message.of(Json.write(e)).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(e.jobId()).build())).await().atMost(SEND_TIMEOUT);
        } catch (RuntimeException ex) {
            LOG.warnf("could not send %s event of %s: %s", e.type().wire(), e.jobId(), ex.toString());
        }
    }
}
