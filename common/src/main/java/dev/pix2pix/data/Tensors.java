package dev.pix2pix.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * The one place where pixels become network inputs and back: channels-first, [0,255] (or [0,1]) ->
 * [-1,1] (the reference's Normalize(0.5, 0.5)), grayscale by ITU-R 601 luma as PIL's convert('L').
 * Training, evaluation, serving and the workers' sample strips all normalise here.
 */
public final class Tensors {
    private Tensors() {}

    public static float toUnit(int byteValue) {
        return byteValue / 127.5f - 1f;
    }

    public static int toByte(float v) {
        int b = Math.round((v + 1f) * 127.5f);
        return b < 0 ? 0 : Math.min(255, b);
    }

    /** 8-bit gray of 8-bit RGB: ITU-R 601 luma rounded as PIL's convert('L'), the reference's gray input. */
    public static int luma8(int r, int g, int b) {
        return (r * 299 + g * 587 + b * 114 + 500) / 1000;
    }

    /** The same luma on [0,1] values (no rounding), for full-resolution inputs. */
    public static float luma(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }

    /** A [0,1] value as the networks see it (the same mapping as {@link #toUnit(int)} on 8-bit values). */
    public static float fromUnit(float unit) {
        return unit * 2f - 1f;
    }

    /** A network value back to [0,1], unclamped. */
    public static float toUnitRange(float v) {
        return (v + 1f) / 2f;
    }

    /** {@link #fromUnit} of every value (a new array). */
    public static float[] fromUnit(float[] unit) {
        float[] out = new float[unit.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = fromUnit(unit[i]);
        }
        return out;
    }

    /** {@link #toUnitRange} of every value, clamped to [0,1] (a new array). */
    public static float[] toUnitClamped(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < out.length; i++) {
            float u = toUnitRange(v[i]);
            out[i] = u > 0f ? (u < 1f ? u : 1f) : 0f; // NaN -> 0, as FloatImage.clamp01
        }
        return out;
    }

    /** Interleaved RGB bytes of a w x h region to CHW floats (the region lies inside the image). */
    public static float[] chw(byte[] rgb, int stride, int x0, int y0, int w, int h, int channels, boolean mirror) {
        return chw(rgb, stride, Integer.MAX_VALUE, x0, y0, w, h, channels, mirror);
    }

    /**
     * Interleaved RGB bytes (stride x rows) of a w x h region to CHW floats; pixels of the region
     * outside the image are black, as PIL's crop pads them.
     */
    public static float[] chw(byte[] rgb, int stride, int rows, int x0, int y0, int w, int h, int channels,
            boolean mirror) {
        float[] out = new float[channels * w * h];
        int plane = w * h;
        float black = UNIT[0];
        // the common case, a window inside the image, without a bounds test per pixel
        boolean inside = x0 + w <= stride && (long) y0 + h <= rows;
        for (int y = 0; y < h; y++) {
            int sy = y0 + y;
            int row = sy * stride;
            for (int x = 0; x < w; x++) {
                int sx = mirror ? x0 + w - 1 - x : x0 + x;
                int o = y * w + x;
                if (!inside && (sx >= stride || sy >= rows)) {
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + o] = black;
                    }
                    continue;
                }
                int p = (row + sx) * 3;
                int r = rgb[p] & 0xff, g = rgb[p + 1] & 0xff, b = rgb[p + 2] & 0xff;
                if (channels == 1) {
                    out[o] = UNIT[luma8(r, g, b)];
                } else {
                    out[o] = UNIT[r];
                    out[plane + o] = UNIT[g];
                    out[2 * plane + o] = UNIT[b];
                    for (int c = 3; c < channels; c++) {
                        out[c * plane + o] = out[o];
                    }
                }
            }
        }
        return out;
    }

    /** {@link #toUnit} of every byte value (the same floats, looked up instead of divided). */
    private static final float[] UNIT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT[i] = toUnit(i);
        }
    }

    /** CHW floats in [-1,1] with 1 or 3 channels to an 8-bit RGB image. */
    public static BufferedImage toImage(float[] chw, int channels, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            int r = toByte(chw[i]);
            int g = channels >= 3 ? toByte(chw[plane + i]) : r;
            int b = channels >= 3 ? toByte(chw[2 * plane + i]) : r;
            px[i * 3] = (byte) b;
            px[i * 3 + 1] = (byte) g;
            px[i * 3 + 2] = (byte) r;
        }
        return img;
    }
}
