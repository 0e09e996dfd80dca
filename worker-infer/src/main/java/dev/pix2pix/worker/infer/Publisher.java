package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Everything this worker produces goes through one Kafka channel; each record names its topic.
 * Sends block until the broker acknowledged them (acks=all), so a consumed message is acked only
 * after what it caused is durable.
 */
@ApplicationScoped
public class Publisher {
    private static final Logger LOG = Logger.getLogger(Publisher.class);
    private static final long SEND_TIMEOUT_S = 60;

    @Inject
    @Channel("pix2pix-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    Emitter<String> emitter;

    @Inject
    InferConfig cfg;

    /** Sends and waits for the broker's acknowledgement; {@code partition} null = by key. */
    public void send(String topic, String key, Integer partition, String value, Map<String, String> headers) {
        await(sendAsync(topic, key, partition, value, headers), topic);
    }

    public CompletableFuture<Void> sendAsync(String topic, String key, Integer partition, String value,
            Map<String, String> headers) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta =
                OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(key);
        if (partition != null) {
            meta.withPartition(partition);
        }
        if (headers != null && !headers.isEmpty()) {
            List<RecordHeader> hs = new ArrayList<>();
            headers.forEach((k, v) -> hs.add(new RecordHeader(k, String.valueOf(v).getBytes(StandardCharsets.UTF_8))));
            meta.withHeaders(hs);
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(value, Metadata.of(meta.build()),
                () -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                },
                failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        return acked;
    }

    /** A job event on the events topic, keyed by job id (so a job's events stay in order). */
    public void event(JobEvent e) {
        LOG.infof("event %s %s%s", e.type().wire(), e.jobId(),
                e.reason() != null ? " (" + e.reason() + ")" : e.key() != null ? " " + e.key() : "");
        send(cfg.topics().events(), e.jobId(), null, Json.write(e), null);
    }

    static void await(CompletableFuture<Void> f, String topic) {
        try {
            f.get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send to " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no acknowledgement from Kafka for " + topic + " within "
                    + SEND_TIMEOUT_S + " s", e);
        }
    }
}
