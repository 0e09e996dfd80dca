package dev.pix2pix.worker.infer;

import dev.pix2pix.infer.ItemResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/** Prometheus metrics under /q/metrics, all named pix2pix_infer_*. */
@ApplicationScoped
public class InferMetrics {
    @Inject
    MeterRegistry registry;

    private final AtomicReference<Double> imagesPerSecond = new AtomicReference<>(0.0);
    private Timer shardTime;
    private Timer forwardTime;

    @PostConstruct
    void init() {
        shardTime = Timer.builder("pix2pix.infer.shard.duration").description("time to process a shard")
                .register(registry);
        forwardTime = Timer.builder("pix2pix.infer.forward.duration")
                .description("forward-pass time of a shard (summed over batches)").register(registry);
        registry.gauge("pix2pix.infer.images.per.second", imagesPerSecond, AtomicReference::get);
    }

    /** outcome: accepted | invalid | failed | completed | cancelled | duplicate */
    void job(String outcome) {
        Counter.builder("pix2pix.infer.jobs").tag("outcome", outcome).register(registry).increment();
    }

    /** outcome: done | failed | cancelled | skipped */
    void shard(String outcome) {
        Counter.builder("pix2pix.infer.shards").tag("outcome", outcome).register(registry).increment();
    }

    void item(ItemResult.Status status) {
        Counter.builder("pix2pix.infer.items").tag("status", status.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    void shardDone(double seconds, long forwardNanos, long written) {
        shard("done");
        shardTime.record(Duration.ofNanos((long) (seconds * 1e9)));
        forwardTime.record(Duration.ofNanos(forwardNanos));
        if (seconds > 0) {
            imagesPerSecond.set(written / seconds);
        }
    }

    void deadLettered() {
        Counter.builder("pix2pix.infer.dead.letters").register(registry).increment();
    }
}
