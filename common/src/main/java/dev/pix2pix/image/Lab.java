package dev.pix2pix.image;

/**
 * sRGB [0,1] &lt;-&gt; CIE Lab (D65), with exactly the constants and formulas of metrics.py rgb2lab
 * (sRGB companding threshold 0.04045, the 7-digit sRGB->XYZ matrix, white 0.95047/1/1.08883, the
 * (6/29)^3 knee) so that Lab statistics computed here match the evaluation script. The inverse uses the
 * exact numeric inverse of that matrix. All arithmetic is in double.
 */
public final class Lab {
    private Lab() {}

    static final double M00 = 0.4124564, M01 = 0.3575761, M02 = 0.1804375;
    static final double M10 = 0.2126729, M11 = 0.7151522, M12 = 0.0721750;
    static final double M20 = 0.0193339, M21 = 0.1191920, M22 = 0.9503041;
    static final double WX = 0.95047, WY = 1.0, WZ = 1.08883;
    static final double DELTA = 6.0 / 29.0;
    static final double KNEE = Math.pow(DELTA, 3);
    static final double SLOPE = 3 * Math.pow(DELTA, 2);
    static final double OFFSET = 4.0 / 29.0;
    /** Y of the gray (1,1,1): the matrix row sums to 1.0000001, not 1. */
    static final double GRAY_Y_GAIN = M10 + M11 + M12;

    private static final double[] INV = invert3(new double[] {M00, M01, M02, M10, M11, M12, M20, M21, M22});
    /** Linearised values of the 256 8-bit codes, same formula as {@link #linearize(double)}. */
    private static final double[] LIN8 = new double[256];
    static {
        for (int i = 0; i < 256; i++) LIN8[i] = linearize(i / 255.0);
    }

    /** sRGB decoding (metrics.py: x/12.92 below 0.04045, else ((x+.055)/1.055)^2.4). */
    public static double linearize(double x) {
        return x <= 0.04045 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
    }

    /** Inverse of {@link #linearize(double)}. */
    public static double encode(double lin) {
        return lin <= 0.04045 / 12.92 ? lin * 12.92 : 1.055 * Math.pow(lin, 1 / 2.4) - 0.055;
    }

    static double f(double t) {
        return t > KNEE ? Math.cbrt(t) : t / SLOPE + OFFSET;
    }

    static double finv(double t) {
        return t > DELTA ? t * t * t : SLOPE * (t - OFFSET);
    }

    /** sRGB (not clamped) to Lab; out = {L, a, b}. */
    public static void fromRgb(double r, double g, double b, double[] out) {
        fromLinear(linearize(r), linearize(g), linearize(b), out);
    }

    /** Allocating convenience form of {@link #fromRgb(double, double, double, double[])}: {L, a, b}. */
    public static double[] fromRgb(double r, double g, double b) {
        double[] out = new double[3];
        fromRgb(r, g, b, out);
        return out;
    }

    /** Allocating convenience form of {@link #labToRgbPreservingL(double, double, double, double[])}: {r, g, b}. */
    public static double[] labToRgbPreservingL(double l, double a, double b) {
        double[] out = new double[3];
        labToRgbPreservingL(l, a, b, out);
        return out;
    }

    /** Lab of an 8-bit sRGB triple (table lookup for the companding). */
    public static void fromRgb8(int r, int g, int b, double[] out) {
        fromLinear(LIN8[r], LIN8[g], LIN8[b], out);
    }

    static void fromLinear(double lr, double lg, double lb, double[] out) {
        double fx = f((lr * M00 + lg * M01 + lb * M02) / WX);
        double fy = f((lr * M10 + lg * M11 + lb * M12) / WY);
        double fz = f((lr * M20 + lg * M21 + lb * M22) / WZ);
        out[0] = 116 * fy - 16;
        out[1] = 500 * (fx - fy);
        out[2] = 200 * (fy - fz);
    }

    /** Lab to sRGB without any clamping (values may fall outside [0,1] for out-of-gamut colours). */
    public static void toRgb(double l, double a, double b, double[] out) {
        double fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
        double x = finv(fx) * WX, y = finv(fy) * WY, z = finv(fz) * WZ;
        out[0] = encodeSigned(INV[0] * x + INV[1] * y + INV[2] * z);
        out[1] = encodeSigned(INV[3] * x + INV[4] * y + INV[5] * z);
        out[2] = encodeSigned(INV[6] * x + INV[7] * y + INV[8] * z);
    }

    private static double encodeSigned(double lin) {
        return lin < 0 ? -encode(-lin) : encode(lin);
    }

    /** Lab L of the gray (g,g,g), g an sRGB value in [0,1]. */
    public static double luminanceL(double g) {
        return 116 * f(linearize(g) * GRAY_Y_GAIN) - 16;
    }

    /** The sRGB gray g whose (g,g,g) has Lab lightness L (inverse of {@link #luminanceL}), clamped to [0,1]. */
    public static double grayForL(double l) {
        double y = finv((l + 16) / 116) / GRAY_Y_GAIN;
        double g = encode(Math.max(0, y));
        return g < 0 ? 0 : Math.min(1, g);
    }

    /** Lab lightness of an sRGB colour. */
    public static double lightness(double r, double g, double b) {
        double y = linearize(r) * M10 + linearize(g) * M11 + linearize(b) * M12;
        return 116 * f(y) - 16;
    }

    /** Gamut tolerance in linear light (encoded, it is about 1e-9 at both ends). */
    private static final double GAMUT_EPS = 1e-10;
    /** Bisection steps on the chroma scale: 2^-20 of a chroma below 130 is under 1.3e-4 in a/b. */
    private static final int SEARCH_STEPS = 20;

    /**
     * Lab to sRGB in [0,1] keeping lightness: a colour outside the sRGB gamut has its chroma (a,b)
     * scaled toward 0 by binary search until it fits, rather than clipping channels, which would shift
     * lightness. L is clamped to [0,100] first.
     *
     * <p>The search runs in linear light (sRGB companding is monotonic, so "inside [0,1]" is the
     * same test before and after it) and companding is done once, through {@link #encodeFast}: this
     * is the per-pixel inner loop of every colorized output.
     */
    public static void labToRgbPreservingL(double l, double a, double b, double[] out) {
        l = l < 0 ? 0 : Math.min(100, l);
        double fy = (l + 16) / 116;
        double y = finv(fy) * WY;
        double da = a / 500, db = b / 200;
        linearFromLab(fy, y, da, db, out);
        if (!inGamut(out)) {
            double lo = 0, hi = 1;
            for (int i = 0; i < SEARCH_STEPS; i++) {
                double mid = 0.5 * (lo + hi);
                linearFromLab(fy, y, da * mid, db * mid, out);
                if (inGamut(out)) lo = mid; else hi = mid;
            }
            linearFromLab(fy, y, da * lo, db * lo, out);
        }
        for (int i = 0; i < 3; i++) out[i] = encodeFast(out[i]);
    }

    /** Linear sRGB of (fy, y) with fx = fy + da, fz = fy - db (da = a/500, db = b/200). */
    private static void linearFromLab(double fy, double y, double da, double db, double[] out) {
        double x = finv(fy + da) * WX, z = finv(fy - db) * WZ;
        out[0] = INV[0] * x + INV[1] * y + INV[2] * z;
        out[1] = INV[3] * x + INV[4] * y + INV[5] * z;
        out[2] = INV[6] * x + INV[7] * y + INV[8] * z;
    }

    private static boolean inGamut(double[] lin) {
        for (int i = 0; i < 3; i++) {
            if (!(lin[i] >= -GAMUT_EPS && lin[i] <= 1 + GAMUT_EPS)) return false;
        }
        return true;
    }

    /** {@link #encode} sampled on [0,1] for linear interpolation (error below 1e-7, far under a 16-bit step). */
    private static final int ENC_STEPS = 1 << 16;
    private static final double[] ENC = new double[ENC_STEPS + 2];
    static {
        for (int i = 0; i <= ENC_STEPS + 1; i++) ENC[i] = encode(Math.min(1.0, (double) i / ENC_STEPS));
    }

    /** sRGB companding of a linear value, clamped to [0,1]; exact in the linear segment, tabulated above it. */
    static double encodeFast(double lin) {
        if (!(lin > 0)) return 0;
        if (lin >= 1) return 1;
        if (lin <= 0.04045 / 12.92) return lin * 12.92;
        double p = lin * ENC_STEPS;
        int i = (int) p;
        double t = p - i;
        return ENC[i] + (ENC[i + 1] - ENC[i]) * t;
    }

    /** RGB (or gray, replicated) image to a 3-plane Lab image (planes L, a, b). */
    public static FloatImage rgbToLab(FloatImage rgb) {
        FloatImage src = rgb.toRgb();
        int n = src.planeSize();
        float[] s = src.data(), o = new float[3 * n];
        double[] lab = new double[3];
        for (int i = 0; i < n; i++) {
            fromRgb(s[i], s[n + i], s[2 * n + i], lab);
            o[i] = (float) lab[0];
            o[n + i] = (float) lab[1];
            o[2 * n + i] = (float) lab[2];
        }
        return new FloatImage(3, src.height(), src.width(), o);
    }

    /** Lab L plane (0..100) of an RGB or gray image. Gray uses {@link #luminanceL}. */
    public static float[] lightnessPlane(FloatImage img) {
        int n = img.planeSize();
        float[] s = img.data(), o = new float[n];
        if (img.channels() == 1) {
            for (int i = 0; i < n; i++) {
                int k = code8(s[i]);
                o[i] = k >= 0 ? GRAY_L8[k] : (float) luminanceL(s[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                float r = s[i], g = s[n + i], b = s[2 * n + i];
                int kr = code8(r), kg = code8(g), kb = code8(b);
                double y = (kr >= 0 ? LINF8[kr] : linearize(r)) * M10 + (kg >= 0 ? LINF8[kg] : linearize(g)) * M11
                        + (kb >= 0 ? LINF8[kb] : linearize(b)) * M12;
                o[i] = (float) (116 * f(y) - 16);
            }
        }
        return o;
    }

    /*
     * Decoded 8-bit images hold exactly the floats k/255f: for those, tables computed from the very
     * same float give bit-identical results without a pow per channel and pixel.
     */
    private static final double[] LINF8 = new double[256];
    private static final float[] GRAY_L8 = new float[256];
    static {
        for (int k = 0; k < 256; k++) {
            LINF8[k] = linearize(k / 255f);
            GRAY_L8[k] = (float) luminanceL(k / 255f);
        }
    }

    /** k if v is exactly the float k/255f, else -1. */
    private static int code8(float v) {
        if (!(v >= 0f && v <= 1f)) return -1;
        int k = (int) (v * 255f + 0.5f);
        return k / 255f == v ? k : -1;
    }

    /**
     * Composes an sRGB image from a lightness plane and predicted a/b planes (colourisation output),
     * keeping L via {@link #labToRgbPreservingL}.
     */
    public static FloatImage composePreservingL(float[] l, float[] a, float[] b, int height, int width) {
        int n = height * width;
        if (l.length != n || a.length != n || b.length != n) throw new IllegalArgumentException("plane sizes differ");
        float[] o = new float[3 * n];
        double[] rgb = new double[3];
        for (int i = 0; i < n; i++) {
            labToRgbPreservingL(l[i], a[i], b[i], rgb);
            o[i] = (float) rgb[0];
            o[n + i] = (float) rgb[1];
            o[2 * n + i] = (float) rgb[2];
        }
        return new FloatImage(3, height, width, o);
    }

    /** Lab planes (as from {@link #rgbToLab}) back to an sRGB image, lightness-preserving. */
    public static FloatImage labToRgb(FloatImage lab) {
        if (lab.channels() != 3) throw new IllegalArgumentException("Lab image needs 3 planes");
        return composePreservingL(lab.plane(0), lab.plane(1), lab.plane(2), lab.height(), lab.width());
    }

    private static double[] invert3(double[] m) {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
        double det = a * A + b * B + c * C;
        return new double[] {
            A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
            B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
            C / det, -(a * h - b * g) / det, (a * e - b * d) / det};
    }
}
