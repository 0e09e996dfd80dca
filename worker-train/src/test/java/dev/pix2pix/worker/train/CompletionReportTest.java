package dev.pix2pix.worker.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.data.DataReport;
import dev.pix2pix.data.UnusableSample;
import dev.pix2pix.msg.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A completed job's figures: gray photos and unreadable files counted apart, the same in every place. */
class CompletionReportTest {
    static DataReport data() {
        return new DataReport(10, 7, List.of(
                new UnusableSample("a.jpg", UnusableSample.GRAYSCALE, "gray"),
                new UnusableSample("b.jpg", UnusableSample.READ_ERROR, "truncated"),
                new UnusableSample("c.jpg", UnusableSample.MISSING_PAIR, "no B")));
    }

    static CompletionReport report(String resumedFrom) {
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("G_GAN", 0.7);
        losses.put("G_L1", 12.5);
        losses.put("D_real", 0.3);
        return new CompletionReport("job-1", 4, 28, losses, data(),
                new DatasetCache.Fetched(Path.of("/tmp/x"), 20, 12, 8, 1234), resumedFrom, 61.5, "cpu()", "abc");
    }

    @Test
    void countsSplitGrayFromUnreadableAndSayWhatTheCacheDid() {
        Map<String, Long> c = report(null).counts();
        assertEquals(List.of("epochs", "iterations", "images", "skippedImages", "grayscaleImages", "datasetFiles",
                "datasetDownloaded", "datasetReused"), List.copyOf(c.keySet()));
        assertEquals(List.of(4L, 28L, 7L, 2L, 1L, 20L, 12L, 8L), List.copyOf(c.values()));
    }

    @Test
    void metricsFileAgreesWithTheEventAndKeepsTheLossOrder() throws Exception {
        CompletionReport r = report("s3://models/run/checkpoints/epoch_2");
        Map<String, Object> m = r.metricsFile();
        Map<String, Long> c = r.counts();
        for (String k : List.of("images", "skippedImages", "grayscaleImages", "iterations")) {
            assertEquals(c.get(k), ((Number) m.get(k)).longValue(), k);
        }
        assertEquals(List.of("G_GAN", "G_L1", "D_real"), List.copyOf(((Map<?, ?>) m.get("losses")).keySet()));
        assertEquals("s3://models/run/checkpoints/epoch_2", m.get("resumedFrom"));
        assertEquals(Map.of("secondsThisRun", 61.5, "resumedFrom", "s3://models/run/checkpoints/epoch_2"),
                r.eventMetrics());
        // the file is JSON a reader of the folder alone can parse back
        Map<?, ?> back = Json.read(Json.write(m), Map.class);
        assertEquals("cpu()", back.get("device"));
        assertEquals(7, back.get("images"));
    }

    @Test
    void aFreshRunSaysNoResumeInTheEventButNullInTheFile() {
        CompletionReport r = report(null);
        assertFalse(r.eventMetrics().containsKey("resumedFrom"));
        assertEquals(Map.of("secondsThisRun", 61.5), r.eventMetrics());
        assertTrue(r.metricsFile().containsKey("resumedFrom"));
        assertNull(r.metricsFile().get("resumedFrom"));
    }
}
