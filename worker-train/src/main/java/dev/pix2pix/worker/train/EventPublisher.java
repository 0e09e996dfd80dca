package dev.pix2pix.worker.train;

import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Job events (key = jobId, so one job's events stay in order) and dead letters. */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    /** Dead-letter headers: why, and where the message came from. */
    public static final String H_ERROR = "pix2pix-error";
    public static final String H_SOURCE_TOPIC = "pix2pix-source-topic";
    public static final String H_SOURCE_PARTITION = "pix2pix-source-partition";
    public static final String H_SOURCE_OFFSET = "pix2pix-source-offset";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    @Inject
    @Channel("events")
    MutinyEmitter<String> events;

    @Inject
    @Channel("dlq")
    MutinyEmitter<String> dlq;

    /** Sends and waits for the broker's ack: callers rely on the order and on delivery before acking a job. */
    public void send(JobEvent e) {
        events.sendMessage(Message.of(Json.write(e)).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(e.jobId()).build())).await().atMost(SEND_TIMEOUT);
        LOG.debugf("event %s %s", e.type().wire(), e.jobId());
    }

    /** Best effort (progress, epoch and checkpoint notices): a lost one is replaced by the next. */
    public void trySend(JobEvent e) {
        try {
            send(e);
        } catch (RuntimeException ex) {
            LOG.warnf("could not send %s event of %s: %s", e.type().wire(), e.jobId(), ex.toString());
        }
    }

    /** The raw message, unchanged, with the reason and its origin in headers. */
    public void deadLetter(Message<String> original, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(H_ERROR, reason.getBytes(StandardCharsets.UTF_8));
        Optional<IncomingKafkaRecordMetadata> in = original.getMetadata(IncomingKafkaRecordMetadata.class);
        Object key = null;
        if (in.isPresent()) {
            IncomingKafkaRecordMetadata<?, ?> m = in.get();
            headers.add(H_SOURCE_TOPIC, m.getTopic().getBytes(StandardCharsets.UTF_8));
            headers.add(H_SOURCE_PARTITION, Integer.toString(m.getPartition()).getBytes(StandardCharsets.UTF_8));
            headers.add(H_SOURCE_OFFSET, Long.toString(m.getOffset()).getBytes(StandardCharsets.UTF_8));
            key = m.getKey();
        }
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<Object> meta =
                OutgoingKafkaRecordMetadata.builder().withHeaders(headers);
        if (key != null) {
            meta.withKey(key);
        }
        dlq.sendMessage(Message.of(original.getPayload() == null ? "" : original.getPayload()).addMetadata(meta.build()))
                .await().atMost(SEND_TIMEOUT);
    }
}
