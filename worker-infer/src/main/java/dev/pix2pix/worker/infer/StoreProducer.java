package dev.pix2pix.worker.infer;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.StoreConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The object store from pix2pix.s3.* (credentials only from configuration or the environment). */
@ApplicationScoped
public class StoreProducer {
    static StoreConfig storeConfig(InferConfig cfg) {
        InferConfig.S3 s3 = cfg.s3();
        return new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region().orElse(null),
                StoreConfig.workerAllowList(s3.allowedBuckets(), "pix2pix.s3.allowed-buckets (PIX2PIX_S3_ALLOWED_BUCKETS)"),
                StoreConfig.Retry.DEFAULT).withCaFile(s3.caFile().orElse(null));
    }

    /** Refuses to start without a bucket allow-list (fail-closed), before any job is taken. */
    void check(@Observes StartupEvent e, InferConfig cfg) {
        storeConfig(cfg);
    }

    @Produces
    @Singleton // ObjectStore is final: no client proxy
    ObjectStore store(InferConfig cfg) {
        return new ObjectStore(storeConfig(cfg));
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }
}
