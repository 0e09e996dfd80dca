package dev.pix2pix.worker.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pix2pix.msg.JobEvent;
import java.util.List;
import java.util.Map;

/**
 * Contents of the markers a job leaves in its output prefix (see {@link ModelSync}). Each names the
 * job it belongs to: a marker of another job id means the prefix is someone else's model. A job
 * ends with exactly one of {@code _SUCCESS.json}, {@code _CANCELLED.json}, {@code _FAILED.json},
 * written before its terminal event is published; {@code source} (topic-partition@offset) and
 * {@code event} let a redelivery of that same message publish the event again (its transaction did
 * not commit), while any other message of the job publishes nothing.
 */
public final class Markers {
    private Markers() {}

    /** {@code _JOB.json}: written when a job starts training into the prefix; the prefix is this job's now. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Owner(String jobId, String startedAt, String worker) {}

    /** {@code _SUCCESS.json}: written last; its presence means "trained, do not train again". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Success(String jobId, List<String> outputs, Map<String, Double> losses, Map<String, Long> counts,
            Map<String, Object> metrics, String completedAt, String source, JobEvent event) {}

    /** {@code _CANCELLED.json}: a redelivered job with this marker is not restarted. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cancelled(String jobId, String reason, Integer epoch, Long iteration, String checkpoint,
            String cancelledAt, String source, JobEvent event) {}

    /** {@code _FAILED.json}: the job failed for good; a redelivery does not train it again. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Failed(String jobId, String code, String reason, String failedAt, String source, JobEvent event) {}

    /** What the three end markers have in common. */
    record End(String jobId, String state, String at, String source, JobEvent event) {}
}
