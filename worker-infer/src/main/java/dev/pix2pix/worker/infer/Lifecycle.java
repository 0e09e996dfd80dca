package dev.pix2pix.worker.infer;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Raised at shutdown so running pipelines stop taking items and their shard is left for redelivery. */
@ApplicationScoped
public class Lifecycle {
    private volatile boolean stopping;

    void onStop(@Observes ShutdownEvent e) {
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }
}
