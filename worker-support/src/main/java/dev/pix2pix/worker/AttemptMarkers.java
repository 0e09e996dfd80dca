package dev.pix2pix.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Counts, in S3, the deliveries of one message that ended without an outcome: a worker writes the
 * marker before it works on the message and deletes it once the outcome is committed (or once it
 * left the message on purpose, when stopping). A marker that survives therefore means the process
 * died on it (kill -9, out of memory). After {@code maxDeliveries} such deaths the message is
 * poison: the job fails with reason POISON and the message goes to the dead-letter topic, so its
 * partition moves on instead of killing every replica in turn.
 */
public final class AttemptMarkers {
    /** @param deaths deliveries that ended without an outcome, before this one */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Marker(String source, int deaths, String lastWorker, String lastAt) {}

    private final ObjectStore store;
    private final String worker;
    private final int maxDeliveries;

    public AttemptMarkers(ObjectStore store, String worker, int maxDeliveries) {
        this.store = store;
        this.worker = worker;
        this.maxDeliveries = maxDeliveries;
    }

    /**
     * Records this delivery of the message {@code source} at {@code uri}; returns how many earlier
     * deliveries of it died.
     */
    public int begin(S3Uri uri, String source) {
        int deaths = read(uri).filter(m -> source.equals(m.source())).map(m -> m.deaths() + 1).orElse(0);
        store.put(uri, Json.write(new Marker(source, deaths, worker, Instant.now().toString()))
                .getBytes(StandardCharsets.UTF_8), "application/json");
        return deaths;
    }

    /** Whether a message whose earlier deliveries died {@code deaths} times is poison. */
    public boolean poison(int deaths) {
        return poison(deaths, maxDeliveries);
    }

    static boolean poison(int deaths, int maxDeliveries) {
        return deaths >= maxDeliveries;
    }

    public int maxDeliveries() {
        return maxDeliveries;
    }

    /** The work on the message ended with an outcome (or was left on purpose): not a death. */
    public void end(S3Uri uri) {
        store.delete(uri);
    }

    public Optional<Marker> read(S3Uri uri) {
        if (!store.exists(uri)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(new String(store.get(uri), StandardCharsets.UTF_8), Marker.class));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // unreadable: counted afresh
        }
    }

    /** The sentence of a poison failure. */
    public static String poisonReason(String what, int deaths) {
        return what + " ended the worker " + deaths + " time(s) without an outcome (out of memory, or killed); "
                + "set aside as POISON instead of being tried again";
    }
}
