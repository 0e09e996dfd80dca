package dev.pix2pix.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.data.Scenes;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.metrics.ImageScore;
import dev.pix2pix.metrics.MetricsAccumulator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's loss chart and report, without any server. */
class DemoPartsTest {
    @Test
    void lossChartReadsEveryLossAndDrawsThem(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("loss_log.jsonl");
        Files.writeString(log, """
                {"epoch":1,"G_GAN":0.98,"G_L1":0.22,"D_real":0.55,"D_fake":0.58,"seconds":4.1,"lr":0.0002}
                {"epoch":2,"G_GAN":1.60,"G_L1":0.18,"D_real":"NaN","D_fake":0.34,"seconds":3.9,"lr":0.0002}
                {"epoch":3,"G_GAN":1.58,"G_L1":0.16,"D_real":0.45,"D_fake":0.51,"seconds":3.8,"lr":0.0001}
                """);
        List<Integer> epochs = new ArrayList<>();
        Map<String, List<Double>> s = LossChart.read(log, epochs);
        assertEquals(List.of(1, 2, 3), epochs);
        assertEquals(List.of("G_GAN", "G_L1", "D_real", "D_fake"), List.copyOf(s.keySet()), "epoch/seconds/lr are not losses");
        assertEquals(List.of(0.22, 0.18, 0.16), s.get("G_L1"));
        assertTrue(Double.isNaN(s.get("D_real").get(1)));

        BufferedImage img = LossChart.draw(log);
        assertEquals(720, img.getWidth());
        int blue = 0; // the first curve's colour
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth() / 2; x++) {
                blue += img.getRGB(x, y) == 0xFF1F77B4 ? 1 : 0;
            }
        }
        assertTrue(blue > 20, "a curve was drawn: " + blue);
    }

    @Test
    void reportShowsImagesMetricsAndFailures(@TempDir Path tmp) throws Exception {
        BufferedImage truth = Scenes.scene(1, 32, 32);
        BufferedImage grayRgb = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        grayRgb.createGraphics().drawImage(Scenes.gray(truth), 0, 0, null);
        MetricsAccumulator model = new MetricsAccumulator(), base = new MetricsAccumulator();
        ImageScore perfect = model.add("a.png", FloatImage.fromBufferedImage(truth), FloatImage.fromBufferedImage(truth));
        ImageScore baseline = base.add("a.png", FloatImage.fromBufferedImage(grayRgb), FloatImage.fromBufferedImage(truth));
        assertEquals(0.0, perfect.l1(), 1e-12);
        assertNotEquals(0.0, baseline.l1());

        Path file = new Report("t<est>").fact("run", "r1")
                .row(new Report.Row("a.png", "img/gray_a.png", "img/out_a.png", "img/truth_a.png", perfect, baseline))
                .row(new Report.Row("b.png", "img/gray_b.png", null, "img/truth_b.png", null, baseline))
                .failure("s3://pix2pix/x/broken.png: TRUNCATED")
                .summaries(model.summary(), base.summary())
                .lossChart("losses.png")
                .timing("train job", 12.34)
                .write(tmp.resolve("r/report.html"));
        String html = Files.readString(file);
        assertTrue(html.contains("<title>t&lt;est&gt;</title>"), "escaped");
        assertTrue(html.contains("img/out_a.png") && html.contains("img/truth_b.png"));
        assertTrue(html.contains("<td class=bad>failed</td>"));
        assertTrue(html.contains("broken.png: TRUNCATED"));
        assertTrue(html.contains("grayscale baseline"));
        assertTrue(html.contains("<td>0.0000</td><td>100.00</td>"), "perfect image: L1 0, PSNR 100");
        assertTrue(html.contains("12.3 s"));
        assertTrue(html.contains("src=\"losses.png\""));
    }

    @Test
    void stripHasAColumnPerSceneAndInputOutputTruthRows() {
        BufferedImage truth = Scenes.scene(2, 40, 40), gray = Scenes.gray(truth);
        BufferedImage strip = ReportStrip.draw(List.of(new BufferedImage[] {gray, truth, truth},
                new BufferedImage[] {gray, null, truth}), 20);
        int g = ReportStrip.GAP;
        assertEquals(2 * 20 + 3 * g, strip.getWidth());
        assertEquals(3 * 20 + 4 * g, strip.getHeight());
        int inGray = strip.getRGB(g + 10, g + 10), inOut = strip.getRGB(g + 10, 2 * g + 30);
        assertEquals((inGray >> 16) & 255, inGray & 255, "first row: the grayscale input");
        assertNotEquals((inOut >> 16) & 255, inOut & 255, "second row: a coloured output");
        assertEquals(0xFFC0C0C0, strip.getRGB(2 * g + 30, 2 * g + 30), "a failed output is a blank tile");
    }
}
