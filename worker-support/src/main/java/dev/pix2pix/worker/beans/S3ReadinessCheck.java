package dev.pix2pix.worker.beans;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreConfig;
import dev.pix2pix.store.StoreException;
import dev.pix2pix.worker.config.StoreSettings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * S3 answers and accepts our credentials: a HEAD of a probe key in the health bucket must come back as found or
 * not found, not denied. No retries, and an answer within 4 s, so a hung server cannot hang the endpoint.
 */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements HealthCheck {
    static final String PROBE_KEY = ".pix2pix-health-probe";

    @Inject
    StoreSettings settings;

    private ObjectStore probe;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("s3")
                .withData("endpoint", settings.config().endpoint()).withData("bucket", settings.healthBucket());
        try {
            CompletableFuture.supplyAsync(() -> probe().stat(new S3Uri(settings.healthBucket(), PROBE_KEY)))
                    .get(4, TimeUnit.SECONDS);
            return b.up().build();
        } catch (TimeoutException e) {
            return b.down().withData("error", "no answer within 4 s").build();
        } catch (ExecutionException | RuntimeException e) {
            Throwable t = e instanceof ExecutionException ? e.getCause() : e;
            return b.down().withData("error", t instanceof StoreException ? t.getMessage() : t.toString()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return b.down().withData("error", "interrupted").build();
        }
    }

    /** One client for all probes; the allow-list lifted so the probe bucket may be one that need not exist. */
    private synchronized ObjectStore probe() {
        if (probe == null) {
            probe = new ObjectStore(settings.config().withAllowedBuckets(Set.of()).withRetry(StoreConfig.Retry.NONE));
        }
        return probe;
    }

    @PreDestroy
    synchronized void close() {
        if (probe != null) {
            probe.close();
        }
    }
}
