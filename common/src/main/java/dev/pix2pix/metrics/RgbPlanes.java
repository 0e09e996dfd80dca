package dev.pix2pix.metrics;

import dev.pix2pix.image.FloatImage;

/**
 * An image as three double planes, the way metrics.py sees it after {@code convert("RGB")}: gray is
 * replicated. With {@code quantize} the values are snapped to k/255, exactly what reading the 8-bit
 * PNG gives numpy, and the codes are kept for table lookups.
 */
final class RgbPlanes {
    final int height, width;
    final double[] r, g, b;
    /** 8-bit codes (r,g,b interleaved) when quantized, else null. */
    final byte[] codes;

    private RgbPlanes(int height, int width, double[] r, double[] g, double[] b, byte[] codes) {
        this.height = height;
        this.width = width;
        this.r = r;
        this.g = g;
        this.b = b;
        this.codes = codes;
    }

    int size() { return height * width; }

    static RgbPlanes of(FloatImage img, boolean quantize) {
        FloatImage rgb = img.toRgb();
        int n = rgb.planeSize();
        float[] s = rgb.data();
        double[] r = new double[n], g = new double[n], b = new double[n];
        byte[] codes = quantize ? new byte[3 * n] : null;
        double[][] dst = {r, g, b};
        for (int c = 0; c < 3; c++) {
            double[] d = dst[c];
            for (int i = 0; i < n; i++) {
                float v = s[c * n + i];
                if (quantize) {
                    int k = v > 0f ? (v >= 1f ? 255 : (int) (v * 255f + 0.5f)) : 0;
                    codes[3 * i + c] = (byte) k;
                    d[i] = k / 255.0;
                } else {
                    d[i] = v;
                }
            }
        }
        return new RgbPlanes(rgb.height(), rgb.width(), r, g, b, codes);
    }

    double[] plane(int c) {
        return c == 0 ? r : (c == 1 ? g : b);
    }
}
