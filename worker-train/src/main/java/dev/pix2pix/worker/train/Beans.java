package dev.pix2pix.worker.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.StoreConfig;
import dev.pix2pix.train.Devices;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Builds the engine-side objects from configuration; credentials come only from here, never from messages. */
@Singleton
public class Beans {
    private static final Logger LOG = Logger.getLogger(Beans.class);

    @Produces
    @Singleton
    StoreConfig storeConfig(WorkerConfig cfg) {
        WorkerConfig.S3 s3 = cfg.s3();
        return new StoreConfig(s3.endpoint(), s3.accessKey().orElse(null), s3.secretKey().orElse(null),
                s3.region().orElse(null),
                StoreConfig.workerAllowList(s3.allowedBuckets(), "pix2pix.s3.allowed-buckets (PIX2PIX_S3_ALLOWED_BUCKETS)"),
                StoreConfig.Retry.DEFAULT).withCaFile(s3.caFile().orElse(null));
    }

    /** Refuses to start without a bucket allow-list (fail-closed), before any job is taken. */
    void checkStore(@Observes StartupEvent e, WorkerConfig cfg) {
        storeConfig(cfg);
    }

    @Produces
    @Singleton
    ObjectStore objectStore(StoreConfig cfg) {
        LOG.infof("object store: %s", cfg); // StoreConfig never prints the secret
        return new ObjectStore(cfg);
    }

    void closeStore(@Disposes ObjectStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Topics topics(WorkerConfig cfg) {
        WorkerConfig.TopicNames t = cfg.topics();
        return new Topics(t.trainJobs(), t.translateJobs(), t.translateShards(), t.translateDone(), t.events(),
                t.control(), t.dlq());
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
