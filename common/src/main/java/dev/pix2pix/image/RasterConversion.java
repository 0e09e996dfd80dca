package dev.pix2pix.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;

/**
 * BufferedImage raster to CHW floats without per-pixel getRGB: interleaved byte/ushort rasters are
 * read straight from their arrays, other layouts a row at a time. Samples are normalised by their
 * bit depth only; no colour management is applied (the values are "what the file holds").
 */
final class RasterConversion {
    private RasterConversion() {}

    /** Result: image plus the sample bit depth it came from (8, 16, or 32 for float rasters). */
    record Converted(FloatImage image, int bitDepth) {}

    static Converted toFloat(BufferedImage bi) {
        ColorModel cm = bi.getColorModel();
        Raster raster = bi.getRaster();
        int w = raster.getWidth(), h = raster.getHeight();
        if (cm instanceof IndexColorModel icm) return fromPalette(raster, icm, w, h);
        int colour = cm.getNumColorComponents();
        if (colour != 1 && colour != 3) {
            throw new IllegalArgumentException("unsupported colour components: " + colour);
        }
        SampleModel sm = raster.getSampleModel();
        int bits = 0;
        for (int b = 0; b < colour; b++) bits = Math.max(bits, sm.getSampleSize(b));
        int dataType = sm.getDataType();
        int depth = dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE ? 32 : (bits > 8 ? 16 : 8);
        float[] out = new float[colour * w * h];
        if (sm instanceof ComponentSampleModel csm && raster.getParent() == null
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && (dataType == DataBuffer.TYPE_BYTE || dataType == DataBuffer.TYPE_USHORT) && bits == (dataType == DataBuffer.TYPE_BYTE ? 8 : 16)) {
            interleaved(raster.getDataBuffer(), csm, colour, w, h, out);
        } else {
            rowWise(raster, colour, w, h, dataType, out);
        }
        return new Converted(new FloatImage(colour, h, w, out), depth);
    }

    private static void interleaved(DataBuffer db, ComponentSampleModel csm, int colour, int w, int h, float[] out) {
        int ps = csm.getPixelStride(), ss = csm.getScanlineStride();
        int[] offs = csm.getBandOffsets(), banks = csm.getBankIndices();
        int n = w * h;
        for (int c = 0; c < colour; c++) {
            int base = c * n, off = db.getOffsets()[banks[c]] + offs[c];
            if (db instanceof DataBufferByte dbb) {
                byte[] src = dbb.getData(banks[c]);
                for (int y = 0; y < h; y++) {
                    int s = off + y * ss, d = base + y * w;
                    for (int x = 0; x < w; x++, s += ps) out[d + x] = BYTE_LUT[src[s] & 0xff];
                }
            } else {
                short[] src = ((DataBufferUShort) db).getData(banks[c]);
                for (int y = 0; y < h; y++) {
                    int s = off + y * ss, d = base + y * w;
                    for (int x = 0; x < w; x++, s += ps) out[d + x] = (src[s] & 0xffff) / 65535f;
                }
            }
        }
    }

    private static void rowWise(Raster raster, int colour, int w, int h, int dataType, float[] out) {
        SampleModel sm = raster.getSampleModel();
        int n = w * h, x0 = raster.getMinX(), y0 = raster.getMinY();
        if (dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE) {
            float[] row = new float[w];
            for (int c = 0; c < colour; c++) {
                for (int y = 0; y < h; y++) {
                    raster.getSamples(x0, y0 + y, w, 1, c, row);
                    System.arraycopy(row, 0, out, c * n + y * w, w);
                }
            }
            return;
        }
        int[] row = new int[w];
        for (int c = 0; c < colour; c++) {
            float max = (float) ((1L << sm.getSampleSize(c)) - 1);
            for (int y = 0; y < h; y++) {
                raster.getSamples(x0, y0 + y, w, 1, c, row);
                int d = c * n + y * w;
                for (int x = 0; x < w; x++) out[d + x] = row[x] / max;
            }
        }
    }

    private static Converted fromPalette(Raster raster, IndexColorModel icm, int w, int h) {
        int size = icm.getMapSize();
        float[] r = new float[size], g = new float[size], b = new float[size];
        for (int i = 0; i < size; i++) {
            r[i] = BYTE_LUT[icm.getRed(i)];
            g[i] = BYTE_LUT[icm.getGreen(i)];
            b[i] = BYTE_LUT[icm.getBlue(i)];
        }
        int n = w * h;
        float[] out = new float[3 * n];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            int d = y * w;
            for (int x = 0; x < w; x++) {
                int idx = row[x] < size ? row[x] : 0;
                out[d + x] = r[idx];
                out[n + d + x] = g[idx];
                out[2 * n + d + x] = b[idx];
            }
        }
        return new Converted(new FloatImage(3, h, w, out), 8);
    }

    static final float[] BYTE_LUT = new float[256];
    static {
        for (int i = 0; i < 256; i++) BYTE_LUT[i] = i / 255f;
    }
}
