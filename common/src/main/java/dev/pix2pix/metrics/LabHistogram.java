package dev.pix2pix.metrics;

import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.Lab;

/**
 * Lab colour-distribution histogram accumulated over a set of images (pix2pix Fig. 7), binned like
 * metrics.py: L in 100 bins on [0,100], a and b in 110 bins on [-110,110], with np.histogram
 * semantics (half-open bins except the last, which is closed; values outside the range are dropped:
 * note pure white has L = 100.0000039 with these constants and so falls outside).
 */
public final class LabHistogram {
    static final double[][] EDGES = {linspace(0, 100, 101), linspace(-110, 110, 111), linspace(-110, 110, 111)};
    private final long[][] counts = {new long[100], new long[110], new long[110]};

    /** Adds every pixel of an sRGB (or gray) image, unquantized. */
    public void add(FloatImage img) {
        add(RgbPlanes.of(img, false));
    }

    void add(RgbPlanes p) {
        double[] lab = new double[3];
        int n = p.size();
        for (int i = 0; i < n; i++) {
            if (p.codes != null) {
                Lab.fromRgb8(p.codes[3 * i] & 0xff, p.codes[3 * i + 1] & 0xff, p.codes[3 * i + 2] & 0xff, lab);
            } else {
                Lab.fromRgb(p.r[i], p.g[i], p.b[i], lab);
            }
            for (int c = 0; c < 3; c++) {
                int bin = bin(EDGES[c], lab[c]);
                if (bin >= 0) counts[c][bin]++;
            }
        }
    }

    /** Copy of the counts of channel 0 (L), 1 (a) or 2 (b). */
    public long[] counts(int channel) {
        return counts[channel].clone();
    }

    /** Sum over bins of min(p, q) of the normalised histograms, per channel {L, a, b}; NaN for an empty side. */
    public double[] intersection(LabHistogram other) {
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) {
            long[] h1 = counts[c], h2 = other.counts[c];
            double s1 = 0, s2 = 0;
            for (int i = 0; i < h1.length; i++) {
                s1 += h1[i];
                s2 += h2[i];
            }
            double sum = 0;
            for (int i = 0; i < h1.length; i++) sum += Math.min(h1[i] / s1, h2[i] / s2);
            out[c] = sum;
        }
        return out;
    }

    /** np.histogram's bin search for uniform edges: index guess from the scale, then corrected against the edges. */
    static int bin(double[] edges, double v) {
        int n = edges.length - 1;
        double first = edges[0], last = edges[n];
        if (!(v >= first && v <= last)) return -1;
        double norm = n / (last - first);
        int i = (int) ((v - first) * norm);
        if (i == n) i--;
        if (v < edges[i]) i--;
        else if (i != n - 1 && v >= edges[i + 1]) i++;
        return i;
    }

    /** np.linspace(start, stop, num) with endpoint: i*step + start, last edge exactly stop. */
    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] e = new double[num];
        for (int i = 0; i < num; i++) e[i] = i * step + start;
        e[num - 1] = stop;
        return e;
    }
}
