package dev.pix2pix.worker.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.pix2pix.delivery.Limits;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.StoreConfig;
import dev.pix2pix.worker.config.WorkerSettings;
import dev.pix2pix.train.Devices;
import dev.pix2pix.worker.AttemptMarkers;
import dev.pix2pix.worker.CancelRegistry;
import dev.pix2pix.worker.DeadLetters;
import dev.pix2pix.worker.OutageMonitor;
import dev.pix2pix.worker.TxPublisher;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jboss.logging.Logger;

/** Builds the engine-side objects from configuration; credentials come only from here, never from messages. */
@Singleton
public class Beans {
    private static final Logger LOG = Logger.getLogger(Beans.class);

    @Produces
    @Singleton
    StoreConfig storeConfig(WorkerConfig cfg) {
        return WorkerSettings.storeConfig(cfg.s3(), cfg.outage());
    }

    /** Refuses to start without a bucket allow-list (fail-closed), before any job is taken. */
    void checkStore(@Observes StartupEvent e, WorkerConfig cfg) {
        storeConfig(cfg);
    }

    @Produces
    @Singleton
    OutageMonitor outages() {
        return new OutageMonitor();
    }

    @Produces
    @Singleton
    ObjectStore objectStore(StoreConfig cfg, OutageMonitor outages) {
        LOG.infof("object store: %s", cfg); // StoreConfig never prints the secret
        return new ObjectStore(cfg, outages);
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
        Map<String, Object> c = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                c.put(k, v);
            }
        });
        return new TxPublisher(c, "train-jobs", dev.pix2pix.msg.Party.WORKER_TRAIN.transactionalId(instance, "train-jobs"), outages, cfg.outage().toPolicy());
    }

    /** A random id per process when pix2pix.instance-id is not set (the pod name in k8s/). */
    private static final String INSTANCE = "worker-train-" + java.util.UUID.randomUUID().toString().substring(0, 8);

    void closeStore(@Disposes ObjectStore store) {
        store.close();
    }

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
