package dev.pix2pix.data;

import dev.pix2pix.image.Lab;

/**
 * Colorization tensors: L in [0,100] -> L/50 - 1 (1 channel), a and b -> /110 (2 channels), as the
 * reference's colorization mode. The one place where Lab values are scaled for the networks.
 */
public final class LabTensors {
    public static final float L_HALF = 50f;
    public static final float AB_SCALE = 110f;

    private LabTensors() {}

    /** {L [1*w*h], ab [2*w*h]} from a region of interleaved RGB bytes (inside the image). */
    public static float[][] fromRgb(byte[] rgb, int stride, int x0, int y0, int w, int h, boolean mirror) {
        return fromRgb(rgb, stride, Integer.MAX_VALUE, x0, y0, w, h, mirror);
    }

    /** The same on an image of stride x rows; pixels of the region outside it are black (as PIL's crop pads). */
    public static float[][] fromRgb(byte[] rgb, int stride, int rows, int x0, int y0, int w, int h, boolean mirror) {
        int plane = w * h;
        float[] l = new float[plane];
        float[] ab = new float[2 * plane];
        double[] lab = new double[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = mirror ? x0 + w - 1 - x : x0 + x;
                int sy = y0 + y;
                if (sx >= stride || sy >= rows) {
                    Lab.fromRgb8(0, 0, 0, lab);
                } else {
                    int p = (sy * stride + sx) * 3;
                    Lab.fromRgb8(rgb[p] & 0xff, rgb[p + 1] & 0xff, rgb[p + 2] & 0xff, lab);
                }
                int o = y * w + x;
                l[o] = (float) (lab[0] / L_HALF - 1);
                ab[o] = (float) (lab[1] / AB_SCALE);
                ab[plane + o] = (float) (lab[2] / AB_SCALE);
            }
        }
        return new float[][] {l, ab};
    }

    /** A colorization pair's network tensors (L [1*w*h], ab [2*w*h]) as an sRGB image in [0,1]. */
    public static dev.pix2pix.image.FloatImage toRgb(float[] lUnit, float[] abUnit, int size) {
        return toRgb(lUnit, abUnit, size, size);
    }

    /** The same for a width x height pair. */
    public static dev.pix2pix.image.FloatImage toRgb(float[] lUnit, float[] abUnit, int width, int height) {
        int plane = width * height;
        float[] l = new float[plane];
        float[] a = new float[plane];
        float[] b = new float[plane];
        for (int i = 0; i < plane; i++) {
            l[i] = (float) unitToL(lUnit[i]);
            a[i] = (float) unitToAb(abUnit[i]);
            b[i] = (float) unitToAb(abUnit[plane + i]);
        }
        return Lab.composePreservingL(l, a, b, height, width).clamp01();
    }

    public static float lToUnit(double l) {
        return (float) (l / L_HALF - 1);
    }

    public static double unitToL(float v) {
        return (v + 1) * L_HALF;
    }

    public static double unitToAb(float v) {
        return v * AB_SCALE;
    }
}
