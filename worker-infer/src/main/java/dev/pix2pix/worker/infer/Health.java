package dev.pix2pix.worker.infer;

import ai.djl.engine.Engine;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreConfig;
import dev.pix2pix.store.StoreException;
import dev.pix2pix.train.Devices;
import dev.pix2pix.worker.OutageMonitor;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness checks besides Kafka's (from the extension): the object store and the DJL engine. */
public final class Health {
    private Health() {}

    /**
     * S3 answers, and (when an allow-list names buckets) accepts our credentials: a HEAD of a probe key
     * in the first allowed bucket must come back as found or not found, not denied. No retries here.
     */
    @Readiness
    @ApplicationScoped
    public static class S3Check implements HealthCheck {
        @Inject
        InferConfig cfg;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("s3").withData("endpoint", cfg.s3().endpoint());
            StoreConfig sc = StoreProducer.storeConfig(cfg).withRetry(StoreConfig.Retry.NONE);
            try {
                // with every bucket allowed ("*") there is none to name: a bucket that need not exist will do
                String bucket = sc.allowedBuckets().stream().filter(x -> !x.equals(StoreConfig.ANY_BUCKET)).sorted()
                        .findFirst().orElse("pix2pix-health-probe");
                try (ObjectStore probe = new ObjectStore(sc)) {
                    // a hung server answers nothing: the probe gives up quickly rather than hang the endpoint
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> probe.exists(new S3Uri(bucket, ".pix2pix-health-probe")))
                            .get(4, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    return b.down().withData("error", "no answer within 4 s").build();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
                return b.up().withData("bucket", bucket).build();
            } catch (StoreException e) {
                return b.down().withData("error", e.getMessage()).build();
            } catch (Exception e) {
                return b.down().withData("error", e.toString()).build();
            }
        }
    }

    /**
     * Down while the worker waits an outage out (S3 or Kafka not answering its calls): it takes no
     * new work meanwhile (its message in progress waits), and the data say which server since when.
     */
    @Readiness
    @ApplicationScoped
    public static class OutageCheck implements HealthCheck {
        @Inject
        OutageMonitor outages;

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("outages");
            outages.outages().forEach((server, since) -> b.withData(server, "not answering since " + since));
            return outages.healthy() ? b.up().build() : b.down().build();
        }
    }

    /** The PyTorch engine loaded (offline natives) and the configured device exists; checked at startup. */
    @Readiness
    @ApplicationScoped
    public static class EngineCheck implements HealthCheck {
        @Inject
        InferConfig cfg;

        private volatile String error = "not checked yet";
        private volatile String info;

        void onStart(@Observes StartupEvent e) {
            try {
                Engine engine = Engine.getEngine("PyTorch");
                info = engine.getEngineName() + " " + engine.getVersion() + " on " + Devices.selectForInference(cfg.device());
                error = null;
            } catch (RuntimeException | Error ex) {
                error = ex.toString();
            }
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("engine");
            return error == null ? b.up().withData("engine", info).build() : b.down().withData("error", error).build();
        }
    }
}
