package dev.pix2pix.image;

/**
 * Separable resampling of a FloatImage. When shrinking, the kernel is widened by the scale factor so
 * every source pixel contributes (antialiasing, as PIL does); BOX then equals area averaging.
 * Results are not clamped: bicubic can overshoot [0,1] slightly near edges.
 */
public final class Resize {
    private Resize() {}

    /** Resampling kernel. */
    public enum Filter {
        /** Keys cubic, a = -0.5 (the PIL / Catmull-Rom-like choice). */
        BICUBIC(2.0),
        /** Box: area averaging when downscaling, nearest-like when upscaling. */
        AREA(0.5),
        BILINEAR(1.0);

        final double support;

        Filter(double support) { this.support = support; }

        double weight(double signed) {
            double x = Math.abs(signed);
            switch (this) {
                case BICUBIC: {
                    final double a = -0.5;
                    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
                    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
                    return 0;
                }
                case AREA:
                    return signed > -0.5 && signed <= 0.5 ? 1 : 0; // half-open so no pixel counts twice
                default:
                    return x < 1 ? 1 - x : 0;
            }
        }
    }

    /** Bicubic resize (antialiased when shrinking). */
    public static FloatImage bicubic(FloatImage img, int width, int height) {
        return resize(img, width, height, Filter.BICUBIC);
    }

    /** Area-averaging resize, the better choice for large reductions. */
    public static FloatImage area(FloatImage img, int width, int height) {
        return resize(img, width, height, Filter.AREA);
    }

    /**
     * Bicubic as PIL resizes an 8-bit image (the reference's training transform): the horizontal pass's
     * result is rounded and clamped to 8 bits before the vertical pass, which matters where the kernel
     * overshoots at hard edges. For [0,1] image data that ends in 8 bits (the prepared training cache);
     * matches PIL's Image.resize(BICUBIC) within one level (ResizeMatchesPilTest).
     */
    public static FloatImage bicubic8(FloatImage img, int width, int height) {
        return resize(img, width, height, Filter.BICUBIC, true);
    }

    public static FloatImage resize(FloatImage img, int width, int height, Filter filter) {
        return resize(img, width, height, filter, false);
    }

    private static FloatImage resize(FloatImage img, int width, int height, Filter filter, boolean eightBitPasses) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("bad size " + width + "x" + height);
        if (width == img.width() && height == img.height()) return img.copy();
        Weights wx = Weights.of(img.width(), width, filter);
        Weights wy = Weights.of(img.height(), height, filter);
        int c = img.channels(), ih = img.height(), iw = img.width();
        float[] src = img.data();
        float[] tmp = new float[ih * width];
        float[] out = new float[c * height * width];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * ih * iw;
            for (int y = 0; y < ih; y++) {
                int row = base + y * iw;
                for (int x = 0; x < width; x++) {
                    int start = wx.start[x];
                    double[] w = wx.w[x];
                    double acc = 0;
                    for (int k = 0; k < w.length; k++) acc += w[k] * src[row + start + k];
                    tmp[y * width + x] = eightBitPasses ? (float) (FloatImage.to8((float) acc) / 255.0) : (float) acc;
                }
            }
            int obase = ch * height * width;
            for (int y = 0; y < height; y++) {
                int start = wy.start[y];
                double[] w = wy.w[y];
                int orow = obase + y * width;
                for (int x = 0; x < width; x++) {
                    double acc = 0;
                    for (int k = 0; k < w.length; k++) acc += w[k] * tmp[(start + k) * width + x];
                    out[orow + x] = (float) acc;
                }
            }
        }
        return new FloatImage(c, height, width, out);
    }

    /** Per-output-pixel normalised weights over a contiguous input window. */
    private record Weights(int[] start, double[][] w) {
        static Weights of(int in, int out, Filter filter) {
            double scale = (double) in / out;
            double fscale = Math.max(1.0, scale);
            double support = filter.support * fscale;
            int[] start = new int[out];
            double[][] w = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(in, (int) Math.ceil(center + support));
                double[] ws = new double[Math.max(1, hi - lo)];
                double sum = 0;
                for (int k = 0; k < hi - lo; k++) {
                    double v = filter.weight((lo + k + 0.5 - center) / fscale);
                    ws[k] = v;
                    sum += v;
                }
                if (sum == 0) {
                    // degenerate window (box exactly between pixels): take the nearest pixel
                    lo = Math.min(in - 1, Math.max(0, (int) Math.floor(center)));
                    ws = new double[] {1};
                } else {
                    for (int k = 0; k < ws.length; k++) ws[k] /= sum;
                }
                start[i] = lo;
                w[i] = ws;
            }
            return new Weights(start, w);
        }
    }
}
