package dev.pix2pix.worker.train;

import dev.pix2pix.data.DataReport;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a completed training job reports, built once: the model folder's {@code metrics.json}, and the
 * counts and metrics of the completed event and the {@code _SUCCESS} marker (which repeat the event's).
 */
record CompletionReport(String jobId, int epochs, long iterations, Map<String, Double> losses, DataReport data,
        DatasetCache.Fetched fetched, String resumedFrom, double seconds, String device, String codeVersion) {

    CompletionReport {
        losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses)); // in the log's order
    }

    /** The model folder's {@code metrics.json}: the figures a reader of the folder alone needs. */
    Map<String, Object> metricsFile() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", jobId);
        m.put("epochs", epochs);
        m.put("iterations", iterations);
        m.put("losses", losses);
        m.put("images", data.usable());
        m.put("skippedImages", data.unreadable());
        m.put("grayscaleImages", data.grayscale());
        m.put("secondsThisRun", seconds);
        m.put("resumedFrom", resumedFrom);
        m.put("device", device);
        m.put("codeVersion", codeVersion);
        return m;
    }

    /** The completed event's counts: the run, the images used and skipped, and what the dataset cache did. */
    Map<String, Long> counts() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("epochs", (long) epochs);
        c.put("iterations", iterations);
        c.put("images", (long) data.usable());
        c.put("skippedImages", (long) data.unreadable());
        c.put("grayscaleImages", (long) data.grayscale());
        c.put("datasetFiles", (long) fetched.files());
        c.put("datasetDownloaded", (long) fetched.downloaded());
        c.put("datasetReused", (long) fetched.reused());
        return c;
    }

    /** The completed event's metrics: this run's seconds, and the checkpoint it resumed from if it did. */
    Map<String, Object> eventMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("secondsThisRun", seconds);
        if (resumedFrom != null) {
            m.put("resumedFrom", resumedFrom);
        }
        return m;
    }
}
