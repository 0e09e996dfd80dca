package dev.pix2pix.msg;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What happened to a job (topic {@link Topics#EVENTS}, key = jobId); schema
 * {@code schemas/job-event.schema.json}. Only jobId, type and timestamp are always set; build one
 * with {@link #builder(String, EventType)}.
 *
 * @param timestamp  ISO-8601 instant
 * @param shard      shard index for events of one shard of a translate job
 * @param done       items (images, iterations) done so far
 * @param total      items in all
 * @param rate       items per second
 * @param etaSeconds estimated seconds left
 * @param epoch      1-based epoch (epoch, checkpoint events)
 * @param losses     e.g. G_GAN, G_L1, D_real, D_fake
 * @param seconds    duration of the epoch / job
 * @param samples    s3:// URIs of sample images
 * @param checkpoint s3:// URI of the checkpoint written
 * @param key        the input that failed (item-failed)
 * @param reason     why it failed / was cancelled
 * @param outputs    s3:// URIs (or prefix) of results (completed)
 * @param metrics    free-form numbers (e.g. validation scores)
 * @param counts     e.g. succeeded, failed, skipped
 * @param message    human-readable text
 * @param code       machine-readable class of a failure ({@link FailureCode}), on failed events
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobEvent(
        String schemaVersion, String jobId, EventType type, String timestamp, Integer shard,
        Long done, Long total, Double rate, Double etaSeconds, Integer epoch, Map<String, Double> losses,
        Double seconds, List<String> samples, String checkpoint, String key, String reason, List<String> outputs,
        Map<String, Object> metrics, Map<String, Long> counts, String message, String code) {

    /** An event of the given type stamped now; set further fields on the builder. */
    public static Builder builder(String jobId, EventType type) {
        return new Builder(jobId, type);
    }

    /** Builder, since most events carry only a few of the optional fields. */
    public static final class Builder {
        private final String jobId;
        private final EventType type;
        private String timestamp = Instant.now().toString();
        private Integer shard;
        private Long done;
        private Long total;
        private Double rate;
        private Double etaSeconds;
        private Integer epoch;
        private Map<String, Double> losses;
        private Double seconds;
        private List<String> samples;
        private String checkpoint;
        private String key;
        private String reason;
        private List<String> outputs;
        private Map<String, Object> metrics;
        private Map<String, Long> counts;
        private String message;
        private String code;

        private Builder(String jobId, EventType type) {
            this.jobId = jobId;
            this.type = type;
        }

        public Builder timestamp(Instant t) { this.timestamp = t.toString(); return this; }
        public Builder shard(int v) { this.shard = v; return this; }
        public Builder done(long v) { this.done = v; return this; }
        public Builder total(long v) { this.total = v; return this; }
        public Builder rate(double v) { this.rate = finite(v); return this; }
        public Builder etaSeconds(double v) { this.etaSeconds = finite(v); return this; }
        public Builder epoch(int v) { this.epoch = v; return this; }
        public Builder losses(Map<String, Double> v) { this.losses = v; return this; }
        public Builder seconds(double v) { this.seconds = finite(v); return this; }
        public Builder samples(List<String> v) { this.samples = v; return this; }
        public Builder checkpoint(String v) { this.checkpoint = v; return this; }
        public Builder key(String v) { this.key = v; return this; }
        public Builder reason(String v) { this.reason = v; return this; }
        public Builder outputs(List<String> v) { this.outputs = v; return this; }
        public Builder metrics(Map<String, Object> v) { this.metrics = v; return this; }
        public Builder counts(Map<String, Long> v) { this.counts = v; return this; }
        public Builder message(String v) { this.message = v; return this; }
        public Builder code(FailureCode v) { this.code = v == null ? null : v.name(); return this; }

        /** NaN/infinite rates and times (nothing done yet) are left out rather than sent as strings. */
        private static Double finite(double v) {
            return Double.isFinite(v) ? v : null;
        }

        public JobEvent build() {
            return new JobEvent(SchemaVersion.CURRENT, jobId, type, timestamp, shard, done, total, rate, etaSeconds,
                    epoch, losses, seconds, samples, checkpoint, key, reason, outputs, metrics, counts, message, code);
        }
    }
}
