package dev.pix2pix.worker.infer;

import dev.pix2pix.msg.CancelJob;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Validated;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Cancelled job ids, from the control topic read in a consumer group of this instance alone, so
 * every replica sees every cancel. Running pipelines poll it and stop taking items; shards of a
 * cancelled job are skipped. The finalizer turns the first cancelled shard into one cancelled event.
 */
@ApplicationScoped
public class CancelRegistry {
    private static final Logger LOG = Logger.getLogger(CancelRegistry.class);
    private static final Duration KEEP = Duration.ofDays(1);

    private record Entry(Instant at, String reason) {}

    private final Map<String, Entry> cancelled = new ConcurrentHashMap<>();
    private final JobValidator validator = new JobValidator();

    @Incoming("control")
    public void onControl(String payload) {
        Validated<CancelJob> v = validator.cancel(payload);
        if (!v.ok()) {
            // every replica reads every control message: dead-lettering here would multiply it
            LOG.warnf("ignoring an invalid control message: %s", String.join("; ", v.violations()));
            return;
        }
        CancelJob c = v.value();
        LOG.infof("cancel requested for job %s%s", c.jobId(), c.reason() == null ? "" : ": " + c.reason());
        cancel(c.jobId(), c.reason());
    }

    void cancel(String jobId, String reason) {
        Instant now = Instant.now();
        cancelled.values().removeIf(e -> e.at().isBefore(now.minus(KEEP)));
        cancelled.put(jobId, new Entry(now, reason == null ? "cancelled by request" : reason));
    }

    public boolean isCancelled(String jobId) {
        return cancelled.containsKey(jobId);
    }

    public String reason(String jobId) {
        Entry e = cancelled.get(jobId);
        return e == null ? null : e.reason();
    }
}
