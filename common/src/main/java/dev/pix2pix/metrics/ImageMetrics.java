package dev.pix2pix.metrics;

import dev.pix2pix.image.FloatImage;

/**
 * Per-image metrics with the definitions of /work/shared/tools/metrics.py, on sRGB [0,1] images
 * (gray is replicated to RGB, as PIL's convert("RGB") does). Both images must have the same size;
 * {@link MetricsAccumulator} takes care of resizing and 8-bit quantisation for set-level numbers.
 */
public final class ImageMetrics {
    private ImageMetrics() {}

    /** PSNR reported for identical images (metrics.py convention). */
    public static final double PSNR_IDENTICAL = 100.0;

    static final int SSIM_RADIUS = 5;
    static final double SSIM_SIGMA = 1.5;
    static final double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;
    static final double[] GAUSS = gaussian(SSIM_SIGMA, SSIM_RADIUS);

    public static double l1(FloatImage fake, FloatImage real) {
        return l1(planes(fake), planes(real));
    }

    public static double mse(FloatImage fake, FloatImage real) {
        return mse(planes(fake), planes(real));
    }

    /** 10*log10(1/MSE), or 100 when the images are identical. */
    public static double psnr(FloatImage fake, FloatImage real) {
        return psnr(mse(fake, real));
    }

    /** Mean over R,G,B of the SSIM map mean (Gaussian sigma 1.5, radius 5, 'valid' filtering). Needs 11x11 pixels. */
    public static double ssim(FloatImage fake, FloatImage real) {
        return ssim(planes(fake), planes(real));
    }

    /** Hasler &amp; Suesstrunk colourfulness on the 0..255 scale. */
    public static double colorfulness(FloatImage img) {
        return colorfulness(planes(img));
    }

    /** Mean over channels of |fake - real| per pixel (HxW plane). */
    public static float[] errorPlane(FloatImage fake, FloatImage real) {
        checkSize(fake, real);
        FloatImage f = fake.toRgb(), r = real.toRgb();
        int n = f.planeSize();
        float[] a = f.data(), b = r.data(), out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (Math.abs(a[i] - b[i]) + Math.abs(a[n + i] - b[n + i]) + Math.abs(a[2 * n + i] - b[2 * n + i])) / 3f;
        }
        return out;
    }

    /** Heat image (black, red, yellow, white) of {@link #errorPlane}, saturating at an error of 0.25. */
    public static FloatImage errorMap(FloatImage fake, FloatImage real) {
        return errorMap(fake, real, 0.25);
    }

    /** Heat image of {@link #errorPlane}; {@code fullScale} is the error shown as white (fixed, so maps compare across images). */
    public static FloatImage errorMap(FloatImage fake, FloatImage real, double fullScale) {
        float[] e = errorPlane(fake, real);
        int n = e.length;
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            double t = Math.min(1.0, e[i] / fullScale) * 3;
            out[i] = (float) Math.min(1, t);
            out[n + i] = (float) Math.max(0, Math.min(1, t - 1));
            out[2 * n + i] = (float) Math.max(0, Math.min(1, t - 2));
        }
        return new FloatImage(3, fake.height(), fake.width(), out);
    }

    // --- double-plane implementations shared with the accumulator ---

    static RgbPlanes planes(FloatImage img) {
        return RgbPlanes.of(img, false);
    }

    static void checkSize(FloatImage a, FloatImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("sizes differ: " + a.width() + "x" + a.height() + " vs " + b.width() + "x" + b.height());
        }
    }

    static void checkSize(RgbPlanes a, RgbPlanes b) {
        if (a.width != b.width || a.height != b.height) {
            throw new IllegalArgumentException("sizes differ: " + a.width + "x" + a.height + " vs " + b.width + "x" + b.height);
        }
    }

    static double l1(RgbPlanes f, RgbPlanes r) {
        checkSize(f, r);
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            double[] a = f.plane(c), b = r.plane(c);
            for (int i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
        }
        return sum / (3.0 * f.size());
    }

    static double mse(RgbPlanes f, RgbPlanes r) {
        checkSize(f, r);
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            double[] a = f.plane(c), b = r.plane(c);
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - b[i];
                sum += d * d;
            }
        }
        return sum / (3.0 * f.size());
    }

    static double psnr(double mse) {
        return mse > 0 ? 10 * Math.log10(1 / mse) : PSNR_IDENTICAL;
    }

    static double ssim(RgbPlanes f, RgbPlanes r) {
        checkSize(f, r);
        if (f.height < GAUSS.length || f.width < GAUSS.length) {
            throw new IllegalArgumentException("SSIM needs at least " + GAUSS.length + "x" + GAUSS.length + " pixels");
        }
        double s = 0;
        for (int c = 0; c < 3; c++) s += ssimChannel(f.plane(c), r.plane(c), f.height, f.width);
        return s / 3;
    }

    /**
     * SSIM of one channel, streamed one output row at a time (memory O(width), not O(pixels)): the
     * vertical 11-tap pass for the five moments, then the horizontal pass, then the SSIM formula.
     */
    static double ssimChannel(double[] a, double[] b, int h, int w) {
        int k = GAUSS.length, oh = h - k + 1, ow = w - k + 1;
        double[] va = new double[w], vb = new double[w], vaa = new double[w], vbb = new double[w], vab = new double[w];
        double sum = 0;
        for (int y = 0; y < oh; y++) {
            java.util.Arrays.fill(va, 0);
            java.util.Arrays.fill(vb, 0);
            java.util.Arrays.fill(vaa, 0);
            java.util.Arrays.fill(vbb, 0);
            java.util.Arrays.fill(vab, 0);
            for (int t = 0; t < k; t++) {
                double g = GAUSS[t];
                int row = (y + t) * w;
                for (int x = 0; x < w; x++) {
                    double p = a[row + x], q = b[row + x];
                    va[x] += g * p;
                    vb[x] += g * q;
                    vaa[x] += g * (p * p);
                    vbb[x] += g * (q * q);
                    vab[x] += g * (p * q);
                }
            }
            for (int x = 0; x < ow; x++) {
                double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                for (int t = 0; t < k; t++) {
                    double g = GAUSS[t];
                    ma += g * va[x + t];
                    mb += g * vb[x + t];
                    saa += g * vaa[x + t];
                    sbb += g * vbb[x + t];
                    sab += g * vab[x + t];
                }
                saa -= ma * ma;
                sbb -= mb * mb;
                sab -= ma * mb;
                sum += ((2 * ma * mb + C1) * (2 * sab + C2)) / ((ma * ma + mb * mb + C1) * (saa + sbb + C2));
            }
        }
        return sum / ((double) oh * ow);
    }

    static double colorfulness(RgbPlanes p) {
        int n = p.size();
        double mrg = 0, myb = 0;
        for (int i = 0; i < n; i++) {
            mrg += p.r[i] - p.g[i];
            myb += 0.5 * (p.r[i] + p.g[i]) - p.b[i];
        }
        mrg /= n;
        myb /= n;
        double vrg = 0, vyb = 0;
        for (int i = 0; i < n; i++) {
            double drg = (p.r[i] - p.g[i]) - mrg, dyb = (0.5 * (p.r[i] + p.g[i]) - p.b[i]) - myb;
            vrg += drg * drg;
            vyb += dyb * dyb;
        }
        double std = Math.hypot(Math.sqrt(vrg / n), Math.sqrt(vyb / n));
        return (std + 0.3 * Math.hypot(mrg, myb)) * 255;
    }

    static double[] gaussian(double sigma, int r) {
        double[] k = new double[2 * r + 1];
        double s = 0;
        for (int i = -r; i <= r; i++) {
            double x = i / sigma;
            k[i + r] = Math.exp(-0.5 * x * x);
            s += k[i + r];
        }
        for (int i = 0; i < k.length; i++) k[i] /= s;
        return k;
    }
}
