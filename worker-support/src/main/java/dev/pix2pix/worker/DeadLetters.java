package dev.pix2pix.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Messages that can never be processed go to the dead-letter topic unchanged (same key and value)
 * with why, and where they came from, in headers. The same header names for both workers.
 */
public final class DeadLetters {
    public static final String ERROR = "pix2pix-error";
    /** Machine-readable class of the error: INVALID, POISON, INTERNAL. */
    public static final String CODE = "pix2pix-error-code";
    public static final String SOURCE_TOPIC = "pix2pix-source-topic";
    public static final String SOURCE_PARTITION = "pix2pix-source-partition";
    public static final String SOURCE_OFFSET = "pix2pix-source-offset";
    public static final String WORKER = "pix2pix-worker";

    private final String topic;
    private final String worker;

    public DeadLetters(String topic, String worker) {
        this.topic = topic;
        this.worker = worker;
    }

    /** The dead letter of {@code d}, for an {@link Outcome}. */
    public Outcome.Out of(MessageRunner.Delivery d, String code, String reason) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(ERROR, reason);
        h.put(CODE, code);
        h.put(SOURCE_TOPIC, d.topic());
        h.put(SOURCE_PARTITION, Integer.toString(d.partition()));
        h.put(SOURCE_OFFSET, Long.toString(d.offset()));
        h.put(WORKER, worker);
        return new Outcome.Out(topic, d.key(), null, d.payload() == null ? "" : d.payload(), h);
    }
}
