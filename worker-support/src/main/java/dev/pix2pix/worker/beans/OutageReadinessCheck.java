package dev.pix2pix.worker.beans;

import dev.pix2pix.worker.OutageMonitor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Down while the worker waits an outage out (S3 or Kafka not answering its calls): it takes no new work
 * meanwhile (its message in progress waits), and the data say which server since when.
 */
@Readiness
@ApplicationScoped
public class OutageReadinessCheck implements HealthCheck {
    @Inject
    OutageMonitor outages;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("outages");
        outages.outages().forEach((server, since) -> b.withData(server, "not answering since " + since));
        return outages.healthy() ? b.up().build() : b.down().build();
    }
}
