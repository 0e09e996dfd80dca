package dev.pix2pix.metrics;

import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.Resize;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams (fake, real) pairs one at a time into set-level metrics, computed like metrics.py: the
 * real image's size wins (a differently sized fake is resized bicubic), per-image L1/PSNR/SSIM/
 * colourfulness are averaged, and Lab histograms are accumulated over the whole set. Only the
 * histograms and per-image scores are kept, so memory does not grow with image size.
 *
 * <p>By default values are snapped to 8 bits first, because metrics.py scores saved 8-bit files;
 * that keeps numbers computed here in agreement with the script on the written PNGs. Thread-safe.
 */
public final class MetricsAccumulator {
    private final boolean quantize;
    private final LabHistogram fakeHist = new LabHistogram();
    private final LabHistogram realHist = new LabHistogram();
    private final List<ImageScore> scores = new ArrayList<>();

    /** Quantising to 8 bits, like scoring the written PNGs. */
    public MetricsAccumulator() {
        this(true);
    }

    public MetricsAccumulator(boolean quantizeTo8Bit) {
        this.quantize = quantizeTo8Bit;
    }

    /** Scores one pair and adds it to the set. */
    public ImageScore add(String id, FloatImage fake, FloatImage real) {
        FloatImage f = fake;
        if (fake.width() != real.width() || fake.height() != real.height()) {
            f = Resize.bicubic(fake.toRgb(), real.width(), real.height());
        }
        RgbPlanes fp = RgbPlanes.of(f, quantize), rp = RgbPlanes.of(real, quantize);
        double mse = ImageMetrics.mse(fp, rp);
        ImageScore s = new ImageScore(id, ImageMetrics.l1(fp, rp), mse, ImageMetrics.psnr(mse), ImageMetrics.ssim(fp, rp),
                ImageMetrics.colorfulness(fp), ImageMetrics.colorfulness(rp));
        synchronized (this) {
            fakeHist.add(fp);
            realHist.add(rp);
            scores.add(s);
        }
        return s;
    }

    public synchronized int count() {
        return scores.size();
    }

    /** Summary of everything added so far; NaN means and intersections when empty. */
    public synchronized MetricsSummary summary() {
        int n = scores.size();
        double l1 = 0, psnr = 0, ssim = 0, cf = 0, cr = 0;
        for (ImageScore s : scores) {
            l1 += s.l1();
            psnr += s.psnr();
            ssim += s.ssim();
            cf += s.colorfulnessFake();
            cr += s.colorfulnessReal();
        }
        double[] hist = fakeHist.intersection(realHist);
        return new MetricsSummary(n, l1 / n, psnr / n, ssim / n, new LabIntersection(hist[0], hist[1], hist[2]),
                cf / n, cr / n, scores);
    }
}
