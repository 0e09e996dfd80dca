package dev.pix2pix.worker.beans;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.worker.OutageMonitor;
import dev.pix2pix.worker.config.StoreSettings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Both workers' object store and outage monitor, from the {@link StoreSettings} each worker produces from its
 * configuration (credentials come only from there, never from messages). Each worker also asks for its
 * StoreSettings at startup, so that a missing bucket allow-list stops it before any job is taken.
 */
@Singleton
public class StoreBeans {
    private static final Logger LOG = Logger.getLogger(StoreBeans.class);

    @Produces
    @Singleton
    OutageMonitor outages() {
        return new OutageMonitor();
    }

    @Produces
    @Singleton // ObjectStore is final: no client proxy
    ObjectStore store(StoreSettings settings, OutageMonitor outages) {
        LOG.infof("object store: %s, readiness probes bucket %s", settings.config(), settings.healthBucket());
        return new ObjectStore(settings.config(), outages);
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }
}
