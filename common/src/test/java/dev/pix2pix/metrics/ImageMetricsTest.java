package dev.pix2pix.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.image.FloatImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageMetricsTest {
    static FloatImage noisy(int w, int h, long seed) {
        Random rnd = new Random(seed);
        FloatImage img = FloatImage.zeros(3, h, w);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    img.set(c, y, x, (float) Math.min(1, Math.max(0, 0.5 + 0.3 * Math.sin(0.2 * x + c) * Math.cos(0.1 * y) + 0.05 * rnd.nextGaussian())));
                }
            }
        }
        return img;
    }

    @Test
    void identicalImages() {
        FloatImage a = noisy(32, 24, 1);
        assertEquals(0, ImageMetrics.l1(a, a.copy()));
        assertEquals(ImageMetrics.PSNR_IDENTICAL, ImageMetrics.psnr(a, a.copy()));
        assertEquals(1, ImageMetrics.ssim(a, a.copy()), 1e-12);
    }

    @Test
    void differentImagesScoreWorse() {
        FloatImage a = noisy(32, 24, 1), b = noisy(32, 24, 2);
        double l1 = ImageMetrics.l1(a, b), mse = ImageMetrics.mse(a, b);
        assertTrue(l1 > 0 && mse > 0);
        assertEquals(10 * Math.log10(1 / mse), ImageMetrics.psnr(a, b), 1e-12);
        assertTrue(ImageMetrics.ssim(a, b) < 0.99);
        // a uniform offset d gives L1 = d and MSE = d^2 exactly (up to float storage)
        FloatImage shifted = a.copy();
        for (int i = 0; i < shifted.data().length; i++) shifted.data()[i] = a.data()[i] * 0.5f + 0.25f;
        FloatImage base = a.copy();
        for (int i = 0; i < base.data().length; i++) base.data()[i] = shifted.data()[i] + 0.125f;
        assertEquals(0.125, ImageMetrics.l1(base, shifted), 1e-6);
        assertEquals(0.125 * 0.125, ImageMetrics.mse(base, shifted), 1e-6);
    }

    @Test
    void grayHasNoColourfulness() {
        FloatImage g = FloatImage.zeros(1, 16, 16);
        for (int i = 0; i < g.data().length; i++) g.data()[i] = (i % 17) / 16f;
        assertEquals(0, ImageMetrics.colorfulness(g), 1e-12);
        assertEquals(0, ImageMetrics.colorfulness(g.toRgb()), 1e-12);
        assertTrue(ImageMetrics.colorfulness(noisy(16, 16, 3)) > 1);
    }

    @Test
    void colourfulnessOfFlatColourIsMeanTerm() {
        FloatImage red = FloatImage.zeros(3, 4, 4);
        java.util.Arrays.fill(red.data(), 0, 16, 1f);
        // rg = 1, yb = 0.5 everywhere: std 0, mean term 0.3*hypot(1, 0.5)
        assertEquals(0.3 * Math.hypot(1, 0.5) * 255, ImageMetrics.colorfulness(red), 1e-9);
    }

    @Test
    void ssimNeedsElevenPixels() {
        FloatImage small = FloatImage.zeros(3, 10, 30);
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.ssim(small, small));
        assertThrows(IllegalArgumentException.class, () -> ImageMetrics.l1(small, FloatImage.zeros(3, 11, 30)));
    }

    @Test
    void gaussianWindowIsNormalisedAndSymmetric() {
        double s = 0;
        for (double v : ImageMetrics.GAUSS) s += v;
        assertEquals(1, s, 1e-12);
        assertEquals(11, ImageMetrics.GAUSS.length);
        assertEquals(ImageMetrics.GAUSS[0], ImageMetrics.GAUSS[10]);
        assertEquals(Math.exp(-0.5 * Math.pow(5 / 1.5, 2)), ImageMetrics.GAUSS[0] / ImageMetrics.GAUSS[5], 1e-12);
    }

    @Test
    void errorMap() {
        FloatImage a = FloatImage.zeros(3, 2, 2), b = FloatImage.zeros(3, 2, 2);
        b.set(0, 0, 1, 0.75f); // mean over channels 0.25 -> full scale
        b.set(1, 1, 0, 0.03f); // small error -> dark red
        FloatImage m = ImageMetrics.errorMap(a, b);
        assertEquals(0f, m.get(0, 0, 0));
        assertEquals(1f, m.get(0, 0, 1));
        assertEquals(1f, m.get(2, 0, 1), "full-scale error is white");
        assertTrue(m.get(0, 1, 0) > 0 && m.get(1, 1, 0) == 0);
        assertEquals(0.25f, ImageMetrics.errorPlane(a, b)[1], 1e-7f);
    }

    @Test
    void histogramBinsFollowNumpy() {
        double[] l = LabHistogram.EDGES[0], ab = LabHistogram.EDGES[1];
        assertEquals(0, LabHistogram.bin(l, 0));
        assertEquals(0, LabHistogram.bin(l, 0.999));
        assertEquals(1, LabHistogram.bin(l, 1.0));
        assertEquals(99, LabHistogram.bin(l, 100.0), "last bin is closed");
        assertEquals(-1, LabHistogram.bin(l, 100.0000039), "above the range is dropped");
        assertEquals(-1, LabHistogram.bin(l, -1e-9));
        assertEquals(-1, LabHistogram.bin(l, Double.NaN));
        assertEquals(0, LabHistogram.bin(ab, -110));
        assertEquals(54, LabHistogram.bin(ab, -1e-5));
        assertEquals(55, LabHistogram.bin(ab, 0));
        assertEquals(109, LabHistogram.bin(ab, 110));
        assertEquals(-1, LabHistogram.bin(ab, 110.5));
    }

    @Test
    void histogramIntersectionOfIdenticalSetsIsOne() {
        LabHistogram h1 = new LabHistogram(), h2 = new LabHistogram(), other = new LabHistogram();
        for (int s = 0; s < 3; s++) {
            h1.add(noisy(20, 20, s));
            h2.add(noisy(20, 20, s));
            other.add(noisy(20, 20, s + 10));
        }
        for (double v : h1.intersection(h2)) assertEquals(1, v, 1e-12);
        double[] x = h1.intersection(other);
        assertTrue(x[0] < 1 && x[0] > 0.3, "similar but not identical: " + x[0]);
        long total = 0;
        for (long c : h1.counts(1)) total += c;
        assertEquals(3 * 400, total, "every pixel lands in an a bin");
    }

    @Test
    void accumulatorSummaryAndRanking() {
        MetricsAccumulator acc = new MetricsAccumulator();
        FloatImage real = noisy(24, 20, 5);
        acc.add("same", real.copy(), real);
        acc.add("other", noisy(24, 20, 6), real);
        acc.add("small", noisy(12, 10, 7), real); // resized to the real size
        MetricsSummary s = acc.summary();
        assertEquals(3, s.count());
        assertEquals("same", s.best(1).get(0).id());
        assertEquals(100, s.perImage().get(0).psnr());
        assertEquals(1, s.perImage().get(0).ssim(), 1e-12);
        double meanL1 = s.perImage().stream().mapToDouble(ImageScore::l1).average().orElseThrow();
        assertEquals(meanL1, s.l1(), 1e-15);
        assertTrue(s.worst(1).get(0).l1() >= s.worst(2).get(1).l1());
        String json = s.toJson();
        assertTrue(json.startsWith("{\"count\": 3, \"L1\": "), json);
        assertTrue(json.contains("\"labHistIntersection\": {\"L\": "), json);
    }

    @Test
    void pythonStyleRounding() {
        assertEquals(0.12, MetricsSummary.round(0.125, 2), 0); // exact tie -> even
        assertEquals(0.1, MetricsSummary.round(0.15, 1), 0);   // 0.15 is below the tie in binary
        assertEquals(2.67, MetricsSummary.round(2.675, 2), 0);  // likewise (Python gives 2.67)
        assertEquals(31.123, MetricsSummary.round(31.12349, 3), 0);
    }
}
