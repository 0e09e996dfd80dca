package dev.pix2pix.worker.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.pix2pix.delivery.Limits;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.train.Devices;
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.CancelRegistry;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.OutageMonitor;
import dev.pix2pix.worker.TxPublisher;
import dev.pix2pix.worker.config.StoreSettings;
import io.smallrye.common.annotation.Identifier;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.Map;
import org.jboss.logging.Logger;

/** Builds the engine-side objects from configuration; credentials come only from here, never from messages. */
@Singleton
public class Beans {
    private static final Logger LOG = Logger.getLogger(Beans.class);

    /** The object store as configured; {@link dev.pix2pix.worker.beans.StoreBeans} builds the client from it. */
    @Produces
    @Singleton
    StoreSettings storeSettings(WorkerConfig cfg) {
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
    CancelRegistry cancels(WorkerConfig cfg) {
        return new CancelRegistry(cfg.train().cancelMemory());
    }

    @Produces
    @Singleton
    Limits limits(WorkerConfig cfg) {
        return cfg.limits().toLimits();
    }

    /** Names this replica in dead letters, attempt markers and transactional ids. */
    @Produces
    @Singleton
    @Identifier("pix2pix-instance")
    String instance(WorkerConfig cfg) {
        return cfg.instanceId().orElse(INSTANCE);
    }

    @Produces
    @Singleton
    AttemptMarkers attempts(ObjectStore store, WorkerConfig cfg, @Identifier("pix2pix-instance") String instance) {
        return new AttemptMarkers(store, instance, cfg.delivery().maxDeliveries());
    }

    @Produces
    @Singleton
    DeadLetters deadLetters(Topics topics, @Identifier("pix2pix-instance") String instance) {
        return new DeadLetters(topics.dlq(), instance);
    }

    @Produces
    @Singleton
    TxPublisher txPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, WorkerConfig cfg,
            OutageMonitor outages, @Identifier("pix2pix-instance") String instance) {
        return new TxPublisher(kafka, "train-jobs", dev.pix2pix.msg.Party.WORKER_TRAIN.transactionalId(instance, "train-jobs"), outages, cfg.outage().toPolicy());
    }

    /** A random id per process when pix2pix.instance-id is not set (the pod name in k8s/). */
    private static final String INSTANCE = "worker-train-" + java.util.UUID.randomUUID().toString().substring(0, 8);

    @Produces
    @Singleton
    Topics topics(WorkerConfig cfg) {
        return cfg.topics().toTopics();
    }

    @Produces
    @Singleton
    JobValidator validator() {
        return new JobValidator();
    }

    /** Loads the PyTorch engine (offline natives) and picks the device once. */
    @Produces
    @Singleton
    Device device(WorkerConfig cfg) {
        Device d = Devices.select(cfg.device());
        Engine e = Engine.getInstance();
        LOG.infof("engine %s %s, device %s (pix2pix.device=%s)", e.getEngineName(), e.getVersion(), d, cfg.device());
        return d;
    }
}
