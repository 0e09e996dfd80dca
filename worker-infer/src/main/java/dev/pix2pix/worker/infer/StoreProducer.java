package dev.pix2pix.worker.infer;

import dev.pix2pix.delivery.Limits;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.StoreConfig;
import dev.pix2pix.worker.config.WorkerSettings;
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.CancelRegistry;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.OutageMonitor;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The worker's shared runtime objects from configuration: the object store (credentials only from
 * configuration or the environment; transient failures waited out for pix2pix.outage.max-wait), the
 * outage monitor behind readiness, limits, cancels, attempt markers, dead letters.
 */
@ApplicationScoped
public class StoreProducer {
    static StoreConfig storeConfig(InferConfig cfg) {
        return WorkerSettings.storeConfig(cfg.s3(), cfg.outage());
    }

    /** Refuses to start without a bucket allow-list (fail-closed), before any job is taken. */
    void check(@Observes StartupEvent e, InferConfig cfg) {
        storeConfig(cfg);
    }

    @Produces
    @Singleton
    OutageMonitor outages() {
        return new OutageMonitor();
    }

    @Produces
    @Singleton // ObjectStore is final: no client proxy
    ObjectStore store(InferConfig cfg, OutageMonitor outages) {
        return new ObjectStore(storeConfig(cfg), outages);
    }

    void close(@Disposes ObjectStore store) {
        store.close();
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

    /** Connection settings (bootstrap servers, security) for the transactional producers. */
    @Produces
    @Singleton
    @Identifier("pix2pix-producer")
    Map<String, Object> producerConfig(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> c = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                c.put(k, v);
            }
        });
        return c;
    }
}
