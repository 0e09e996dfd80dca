package dev.pix2pix.worker.infer;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.StoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Set;

/** The object store from pix2pix.s3.* (credentials only from configuration or the environment). */
@ApplicationScoped
public class StoreProducer {
    static StoreConfig storeConfig(InferConfig cfg) {
        InferConfig.S3 s3 = cfg.s3();
        return new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region().orElse(null),
                s3.allowedBuckets().orElse(Set.of()), StoreConfig.Retry.DEFAULT);
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
