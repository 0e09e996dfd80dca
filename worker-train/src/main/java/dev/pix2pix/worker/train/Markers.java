package dev.pix2pix.worker.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Contents of the markers a job leaves in its output prefix (see {@link ModelSync}). */
public final class Markers {
    private Markers() {}

    /** {@code _SUCCESS.json}: written last; its presence means "trained, do not train again". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Success(String jobId, List<String> outputs, Map<String, Double> losses, Map<String, Long> counts,
            Map<String, Object> metrics, String completedAt) {}

    /** {@code _CANCELLED.json}: a redelivered job with this marker is not restarted. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cancelled(String jobId, String reason, Integer epoch, Long iteration, String checkpoint,
            String cancelledAt) {}
}
