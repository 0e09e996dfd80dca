package dev.pix2pix.worker.train;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Micrometer meters (scraped at /q/metrics). */
@ApplicationScoped
public class TrainMetrics {
    private final MeterRegistry registry;
    private final Timer iteration;
    private final Counter iterations;
    private final AtomicLong imagesPerSecondMilli = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();

    @Inject
    public TrainMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.iteration = Timer.builder("pix2pix.train.iteration").description("time of one training iteration")
                .register(registry);
        this.iterations = Counter.builder("pix2pix.train.iterations").register(registry);
        registry.gauge("pix2pix.train.images.per.second", imagesPerSecondMilli, v -> v.get() / 1000.0);
        registry.gauge("pix2pix.train.running", running);
    }

    /** outcome: started, completed, failed, cancelled, interrupted, invalid, already-completed. */
    public void job(String outcome) {
        registry.counter("pix2pix.train.jobs", "outcome", outcome).increment();
    }

    /** {@code n} iterations took {@code seconds} in all. */
    public void iterations(long n, double seconds, double imagesPerSecond) {
        if (n <= 0) {
            return;
        }
        iterations.increment(n);
        Duration each = Duration.ofNanos((long) (seconds / n * 1e9));
        for (long i = 0; i < Math.min(n, 1000); i++) {
            iteration.record(each);
        }
        if (Double.isFinite(imagesPerSecond)) {
            imagesPerSecondMilli.set((long) (imagesPerSecond * 1000));
        }
    }

    public void running(boolean on) {
        running.set(on ? 1 : 0);
        if (!on) {
            imagesPerSecondMilli.set(0);
        }
    }
}
