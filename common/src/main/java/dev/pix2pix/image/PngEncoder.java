package dev.pix2pix.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a FloatImage as PNG directly from its planes (gray or RGB, 8 or 16 bits), with tEXt/iTXt text
 * and an iCCP profile. Why not ImageIO: for archive outputs the PNG encode was the slowest CPU stage
 * after colour composition (about 260 ms per megapixel), spending its time in per-row filter trials and
 * a high deflate level. Here every row uses the Paeth filter (the best single filter for photographs)
 * and zlib level {@value #LEVEL}, which made files smaller and encoding faster in the same benchmark run
 * (see {@code pix2pix bench-archive}).
 */
final class PngEncoder {
    private static final int LEVEL = 2;
    private static final int IDAT_MAX = 1 << 20; // one IDAT chunk per MiB: readers stream them anyway
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngEncoder() {}

    /**
     * @param img  1 or 3 channels, sRGB-encoded [0,1] (clamped, NaN as 0)
     * @param bits 8 or 16
     * @param text key/value pairs: tEXt where both are Latin-1 and the key fits 79 characters, else iTXt
     * @param icc  an ICC profile matching the channel count, or null
     */
    static byte[] encode(FloatImage img, int bits, Map<String, String> text, byte[] icc) {
        int c = img.channels(), w = img.width(), h = img.height();
        if (c != 1 && c != 3) throw new IllegalArgumentException("PNG: 1 or 3 channels, got " + c);
        if (bits != 8 && bits != 16) throw new IllegalArgumentException("PNG: 8 or 16 bits, got " + bits);
        int bpp = c * bits / 8;
        int rowBytes = w * bpp;
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, h * rowBytes / 2));
        out.writeBytes(SIGNATURE);

        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = (byte) bits;
        ihdr[9] = (byte) (c == 1 ? 0 : 2); // gray or truecolour, no alpha
        chunk(out, "IHDR", ihdr, ihdr.length);

        if (icc != null) {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.writeBytes("ICC profile".getBytes(StandardCharsets.ISO_8859_1));
            p.write(0);
            p.write(0); // compression method: zlib
            p.writeBytes(zlib(icc, Deflater.BEST_COMPRESSION));
            byte[] b = p.toByteArray();
            chunk(out, "iCCP", b, b.length);
        }
        if (text != null) {
            for (Map.Entry<String, String> e : text.entrySet()) textChunk(out, e.getKey(), e.getValue());
        }

        Deflater deflater = new Deflater(LEVEL);
        try {
            byte[] idat = new byte[IDAT_MAX];
            int filled = 0;
            byte[] prev = new byte[rowBytes], cur = new byte[rowBytes], filtered = new byte[rowBytes + 1];
            float[] data = img.data();
            int n = w * h;
            for (int y = 0; y < h; y++) {
                fillRow(data, n, c, w, y, bits, cur);
                filterPaeth(cur, prev, bpp, filtered);
                deflater.setInput(filtered, 0, rowBytes + 1);
                if (y == h - 1) deflater.finish();
                while (!(y == h - 1 ? deflater.finished() : deflater.needsInput())) {
                    filled += deflater.deflate(idat, filled, idat.length - filled);
                    if (filled == idat.length) {
                        chunk(out, "IDAT", idat, filled);
                        filled = 0;
                    }
                }
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
            if (filled > 0 || h == 0) chunk(out, "IDAT", idat, filled);
        } finally {
            deflater.end();
        }
        chunk(out, "IEND", new byte[0], 0);
        return out.toByteArray();
    }

    /** One row of interleaved big-endian samples from the planar data. */
    private static void fillRow(float[] data, int n, int c, int w, int y, int bits, byte[] row) {
        int base = y * w;
        if (bits == 8) {
            for (int ch = 0; ch < c; ch++) {
                int off = ch * n + base;
                for (int x = 0, j = ch; x < w; x++, j += c) row[j] = (byte) FloatImage.to8(data[off + x]);
            }
        } else {
            int stride = 2 * c;
            for (int ch = 0; ch < c; ch++) {
                int off = ch * n + base;
                for (int x = 0, j = 2 * ch; x < w; x++, j += stride) {
                    int v = FloatImage.to16(data[off + x]);
                    row[j] = (byte) (v >>> 8);
                    row[j + 1] = (byte) v;
                }
            }
        }
    }

    /** Filter type 4 (Paeth) with byte 0 the filter type; the row above the first is zeros. */
    private static void filterPaeth(byte[] cur, byte[] prev, int bpp, byte[] out) {
        out[0] = 4;
        int len = cur.length;
        for (int i = 0; i < bpp && i < len; i++) {
            out[i + 1] = (byte) (cur[i] - prev[i]); // a = c = 0: the predictor is b
        }
        for (int i = bpp; i < len; i++) {
            int a = cur[i - bpp] & 0xff, b = prev[i] & 0xff, cc = prev[i - bpp] & 0xff;
            int p = b - cc, q = a - cc; // pa = |p|, pb = |q|, pc = |p + q|
            int pa = Math.abs(p), pb = Math.abs(q), pc = Math.abs(p + q);
            int pred = pa <= pb && pa <= pc ? a : (pb <= pc ? b : cc);
            out[i + 1] = (byte) (cur[i] - pred);
        }
    }

    private static void textChunk(ByteArrayOutputStream out, String key, String value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (isLatin1(key) && isLatin1(value) && !key.isEmpty() && key.length() <= 79) {
            b.writeBytes(key.getBytes(StandardCharsets.ISO_8859_1));
            b.write(0);
            b.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
            byte[] d = b.toByteArray();
            chunk(out, "tEXt", d, d.length);
        } else {
            b.writeBytes(asciiKeyword(key).getBytes(StandardCharsets.ISO_8859_1));
            b.write(0);
            b.write(0); // not compressed
            b.write(0); // compression method
            b.write(0); // empty language tag
            b.writeBytes(key.getBytes(StandardCharsets.UTF_8)); // translated keyword keeps the real key
            b.write(0);
            b.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            byte[] d = b.toByteArray();
            chunk(out, "iTXt", d, d.length);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int len) {
        byte[] head = new byte[8];
        putInt(head, 0, len);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte) type.charAt(i);
        out.write(head, 0, 8);
        out.write(data, 0, len);
        CRC32 crc = new CRC32();
        crc.update(head, 4, 4);
        crc.update(data, 0, len);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(tail, 0, 4);
    }

    private static byte[] zlib(byte[] data, int level) {
        Deflater d = new Deflater(level);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!d.finished()) out.write(buf, 0, d.deflate(buf));
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 0xff) return false;
        return true;
    }

    /** An iTXt keyword must be 1-79 printable Latin-1 characters; the full key goes in the translated keyword. */
    private static String asciiKeyword(String key) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < key.length() && b.length() < 79; i++) {
            char ch = key.charAt(i);
            b.append(ch >= 32 && ch < 127 ? ch : '_');
        }
        return b.length() == 0 ? "Text" : b.toString();
    }
}
