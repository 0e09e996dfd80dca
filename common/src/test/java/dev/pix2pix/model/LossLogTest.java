package dev.pix2pix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossLogTest {
    @Test
    void appendReadAndTrimForResume(@TempDir Path dir) throws Exception {
        Map<String, Double> l1 = new LinkedHashMap<>();
        l1.put("G_GAN", 0.7);
        l1.put("G_L1", 12.5);
        Map<String, Double> l2 = new LinkedHashMap<>();
        l2.put("G_GAN", Double.NaN);
        l2.put("cycle_A", 1.25);
        LossLog.append(dir, new LossLog.Entry(1, l1, 3.5, 2e-4));
        LossLog.append(dir, new LossLog.Entry(2, l2, 4.0, 1e-4));

        List<LossLog.Entry> read = LossLog.read(dir.resolve(LossLog.FILE));
        assertEquals(2, read.size());
        assertEquals(l1, read.get(0).losses());
        assertEquals(2e-4, read.get(0).lr(), 1e-12);
        assertTrue(Double.isNaN(read.get(1).losses().get("G_GAN")), "a non-finite loss reads back as NaN");
        assertEquals(1.25, read.get(1).losses().get("cycle_A"));

        String kept = LossLog.before(Files.readString(dir.resolve(LossLog.FILE)), 2);
        assertEquals(1, LossLog.parse(kept).size());
        assertEquals(1, LossLog.parse(kept).get(0).epoch());
        assertEquals(List.of(), LossLog.read(dir.resolve("absent.jsonl")));
    }
}
