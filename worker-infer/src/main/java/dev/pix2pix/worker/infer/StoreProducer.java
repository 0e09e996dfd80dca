package dev.pix2pix.worker.infer;

import dev.pix2pix.delivery.Limits;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.CancelRegistry;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.config.StoreSettings;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

/**
 * The worker's runtime objects from configuration: the object store's settings (credentials only from
 * configuration or the environment; transient failures waited out for pix2pix.outage.max-wait), limits,
 * cancels, attempt markers, dead letters. The store client, the outage monitor and their readiness checks are
 * both workers' ({@link dev.pix2pix.worker.beans}).
 */
@ApplicationScoped
public class StoreProducer {
    /** The object store as configured; {@link dev.pix2pix.worker.beans.StoreBeans} builds the client from it. */
    @Produces
    @Singleton
    StoreSettings storeSettings(InferConfig cfg) {
        return StoreSettings.of(cfg.s3(), cfg.outage());
    }

    /**
     * Refuses to start without a bucket allow-list (fail-closed), before the messaging channels start, so that
     * no job is taken.
     */
    void checkStore(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent e, StoreSettings settings) {
        // asking for the settings builds them, and a missing allow-list throws here
    }

    @Produces
    @Singleton
    Limits limits(InferConfig cfg) {
        return cfg.limits().toLimits();
    }

    @Produces
    @Singleton
    CancelRegistry cancels(InferConfig cfg) {
        return new CancelRegistry(cfg.delivery().cancelMemory());
    }

    @Produces
    @Singleton
    AttemptMarkers attempts(ObjectStore store, InferConfig cfg) {
        return new AttemptMarkers(store, cfg.instanceId(), cfg.delivery().maxDeliveries());
    }

    @Produces
    @Singleton
    DeadLetters deadLetters(InferConfig cfg) {
        return new DeadLetters(cfg.topics().dlq(), cfg.instanceId());
    }
}
