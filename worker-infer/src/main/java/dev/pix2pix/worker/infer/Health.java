package dev.pix2pix.worker.infer;

import ai.djl.engine.Engine;
import dev.pix2pix.train.Devices;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the DJL engine; Kafka's comes from the extension, the object store's and the outages' from
 * {@link dev.pix2pix.worker.beans}.
 */
public final class Health {
    private Health() {}

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
