package dev.pix2pix.worker.infer;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Messages that cannot be processed go to the dead-letter topic unchanged (same key and value),
 * with the reason and their origin in headers: pix2pix-error, pix2pix-source-topic,
 * pix2pix-source-partition, pix2pix-source-offset, pix2pix-worker.
 */
@ApplicationScoped
public class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    static final String ERROR = "pix2pix-error";
    static final String SOURCE_TOPIC = "pix2pix-source-topic";

    @Inject
    Publisher out;
    @Inject
    InferConfig cfg;
    @Inject
    InferMetrics metrics;

    @SuppressWarnings("unchecked")
    public void send(Message<String> message, String reason) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ERROR, reason);
        String key = null;
        Optional<IncomingKafkaRecordMetadata> meta = message.getMetadata(IncomingKafkaRecordMetadata.class);
        if (meta.isPresent()) {
            IncomingKafkaRecordMetadata<Object, Object> m = meta.get();
            headers.put(SOURCE_TOPIC, m.getTopic());
            headers.put("pix2pix-source-partition", String.valueOf(m.getPartition()));
            headers.put("pix2pix-source-offset", String.valueOf(m.getOffset()));
            key = m.getKey() == null ? null : m.getKey().toString();
        }
        headers.put("pix2pix-worker", cfg.instanceId());
        LOG.warnf("dead-lettering a message from %s: %s", headers.get(SOURCE_TOPIC), reason);
        out.send(cfg.topics().dlq(), key, null, message.getPayload() == null ? "" : message.getPayload(), headers);
        metrics.deadLettered();
    }
}
