package dev.pix2pix.worker.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The PyTorch engine is loaded and the configured device is usable. */
@Readiness
@ApplicationScoped
public class EngineHealthCheck implements HealthCheck {
    @Inject
    Device device;

    @Override
    public HealthCheckResponse call() {
        try {
            Engine e = Engine.getInstance();
            return HealthCheckResponse.named("engine").up().withData("engine", e.getEngineName())
                    .withData("version", e.getVersion()).withData("device", device.toString())
                    .withData("gpus", e.getGpuCount()).build();
        } catch (RuntimeException ex) {
            return HealthCheckResponse.named("engine").down().withData("error", String.valueOf(ex.getMessage())).build();
        }
    }
}
