package dev.pix2pix.worker.train;

import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * S3 reachable with our credentials: a HEAD of a probe key (absent is fine; refused credentials or
 * an unreachable endpoint are not). No retries, so the probe answers quickly.
 */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements HealthCheck {
    private static final String PROBE_KEY = ".pix2pix-health-probe";

    @Inject
    WorkerConfig cfg;

    @Inject
    StoreConfig storeConfig;

    private ObjectStore probe;

    @Override
    public HealthCheckResponse call() {
        String bucket = cfg.s3().healthBucket()
                .or(() -> cfg.s3().allowedBuckets().orElse(List.of()).stream()
                        .filter(b -> !b.equals(StoreConfig.ANY_BUCKET)).findFirst())
                .orElse("pix2pix-health-probe");
        try {
            // a hung server answers nothing: the probe gives up quickly rather than hang the endpoint
            java.util.concurrent.CompletableFuture.supplyAsync(() -> store().stat(new S3Uri(bucket, PROBE_KEY)))
                    .get(4, java.util.concurrent.TimeUnit.SECONDS);
            return HealthCheckResponse.named("s3").up().withData("endpoint", storeConfig.endpoint())
                    .withData("bucket", bucket).build();
        } catch (java.util.concurrent.TimeoutException e) {
            return HealthCheckResponse.named("s3").down().withData("endpoint", storeConfig.endpoint())
                    .withData("error", "no answer within 4 s").build();
        } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
            Throwable t = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            return HealthCheckResponse.named("s3").down().withData("endpoint", storeConfig.endpoint())
                    .withData("error", String.valueOf(t.getMessage())).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResponse.named("s3").down().withData("error", "interrupted").build();
        }
    }

    private synchronized ObjectStore store() {
        if (probe == null) {
            probe = new ObjectStore(storeConfig.withAllowedBuckets(java.util.Set.of())
                    .withRetry(StoreConfig.Retry.NONE));
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
