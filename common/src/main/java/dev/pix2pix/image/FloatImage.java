package dev.pix2pix.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;

/**
 * Channels-first (CHW) float image. For RGB/gray content values are in [0,1]; other uses (Lab planes,
 * error maps) may hold other ranges. The backing array is exposed on purpose so that tensor code can
 * copy it without per-pixel calls; callers that share it must not mutate it.
 */
public final class FloatImage {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    public FloatImage(int channels, int height, int width, float[] data) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad shape " + channels + "x" + height + "x" + width);
        }
        if (data.length != (long) channels * height * width) {
            throw new IllegalArgumentException("data length " + data.length + " != " + channels + "*" + height + "*" + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    public static FloatImage zeros(int channels, int height, int width) {
        return new FloatImage(channels, height, width, new float[Math.multiplyExact(Math.multiplyExact(channels, height), width)]);
    }

    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    /** The CHW backing array (not a copy). */
    public float[] data() { return data; }
    public int planeSize() { return height * width; }

    public float get(int c, int y, int x) { return data[(c * height + y) * width + x]; }
    public void set(int c, int y, int x, float v) { data[(c * height + y) * width + x] = v; }

    /** Copy of one channel plane (row-major HxW). */
    public float[] plane(int c) {
        int n = planeSize();
        return Arrays.copyOfRange(data, c * n, (c + 1) * n);
    }

    public FloatImage copy() { return new FloatImage(channels, height, width, data.clone()); }

    /** Same pixels with 3 channels: gray is replicated, RGB is returned as is. */
    public FloatImage toRgb() {
        if (channels == 3) return this;
        if (channels != 1) throw new IllegalStateException("cannot make RGB from " + channels + " channels");
        int n = planeSize();
        float[] out = new float[3 * n];
        for (int c = 0; c < 3; c++) System.arraycopy(data, 0, out, c * n, n);
        return new FloatImage(3, height, width, out);
    }

    /** Sub-rectangle copy. */
    public FloatImage crop(int x0, int y0, int w, int h) {
        if (x0 < 0 || y0 < 0 || w <= 0 || h <= 0 || x0 + w > width || y0 + h > height) {
            throw new IllegalArgumentException("crop " + x0 + "," + y0 + " " + w + "x" + h + " outside " + width + "x" + height);
        }
        float[] out = new float[channels * w * h];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(data, (c * height + y0 + y) * width + x0, out, (c * h + y) * w, w);
            }
        }
        return new FloatImage(channels, h, w, out);
    }

    /** Values clamped to [0,1] (copy). */
    public FloatImage clamp01() {
        float[] out = new float[data.length];
        for (int i = 0; i < out.length; i++) {
            float v = data[i];
            out[i] = v < 0f ? 0f : (v > 1f ? 1f : (v != v ? 0f : v));
        }
        return new FloatImage(channels, height, width, out);
    }

    /** Rounds to 8 bits (clamped), the value a viewer or an 8-bit file would hold. */
    static int to8(float v) {
        if (!(v > 0f)) return 0; // also NaN
        if (v >= 1f) return 255;
        return (int) (v * 255f + 0.5f);
    }

    static int to16(float v) {
        if (!(v > 0f)) return 0;
        if (v >= 1f) return 65535;
        return (int) (v * 65535f + 0.5f);
    }

    /** Interleaved 8-bit R,G,B (gray replicated), rounded and clamped as {@link #toBufferedImage}. */
    public byte[] toRgb8() {
        if (channels != 1 && channels != 3) throw new IllegalStateException("cannot render " + channels + " channels");
        int n = planeSize();
        byte[] out = new byte[3 * n];
        int g = channels == 3 ? n : 0;
        int b = channels == 3 ? 2 * n : 0;
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            out[j] = (byte) to8(data[i]);
            out[j + 1] = (byte) to8(data[g + i]);
            out[j + 2] = (byte) to8(data[b + i]);
        }
        return out;
    }

    /**
     * 8-bit sRGB output: 1 channel gives TYPE_BYTE_GRAY, 3 channels TYPE_3BYTE_BGR. Values are taken as
     * sRGB-encoded [0,1] and rounded; out-of-range values are clamped.
     */
    public BufferedImage toBufferedImage() {
        int n = planeSize();
        if (channels == 1) {
            BufferedImage bi = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < n; i++) dst[i] = (byte) to8(data[i]);
            return bi;
        }
        if (channels != 3) throw new IllegalStateException("cannot render " + channels + " channels");
        BufferedImage bi = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        for (int i = 0, j = 0; i < n; i++, j += 3) {
            dst[j] = (byte) to8(data[2 * n + i]);
            dst[j + 1] = (byte) to8(data[n + i]);
            dst[j + 2] = (byte) to8(data[i]);
        }
        return bi;
    }

    /**
     * Raw samples of a BufferedImage as [0,1] floats (no colour conversion; alpha dropped, palette
     * expanded). Gray images give 1 channel, everything else 3.
     */
    public static FloatImage fromBufferedImage(BufferedImage image) {
        return RasterConversion.toFloat(image).image();
    }

    @Override
    public String toString() {
        return "FloatImage[" + channels + "x" + height + "x" + width + "]";
    }
}
