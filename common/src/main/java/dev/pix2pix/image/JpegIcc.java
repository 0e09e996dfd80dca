package dev.pix2pix.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * ICC APP2 segments handled at byte level. The JDK JPEG codec colour-converts pixels when it sees an
 * embedded profile (and throws on a gray profile in a colour file) and its writer substitutes its own
 * profile for the one given, so profiles are stripped before decoding and spliced in after encoding.
 */
final class JpegIcc {
    private JpegIcc() {}

    private static final byte[] ICC_ID = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
    /** Profile bytes per APP2 segment: 65535 - length field - identifier - sequence bytes. */
    private static final int CHUNK = 65535 - 2 - ICC_ID.length - 2;

    /** The JPEG without its APP2 ICC_PROFILE segments (other segments untouched), or {@code b} if it has none. */
    static byte[] strip(byte[] b) {
        ByteArrayOutputStream out = null;
        int copied = 0, p = 2;
        while (p + 4 <= b.length && (b[p] & 0xff) == 0xff) {
            int m = b[p + 1] & 0xff;
            if (m == 0xda || m == 0xd9) break; // headers end at the first scan
            int len = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
            if (len < 2 || p + 2 + len > b.length) break;
            if (m == 0xe2 && isIcc(b, p + 4, len - 2)) {
                if (out == null) out = new ByteArrayOutputStream(b.length);
                out.write(b, copied, p - copied);
                copied = p + 2 + len;
            }
            p += 2 + len;
        }
        if (out == null) return b;
        out.write(b, copied, b.length - copied);
        return out.toByteArray();
    }

    /** Inserts the profile as APP2 segment(s) after SOI and a leading APP0 (JFIF) segment. */
    static byte[] insert(byte[] jpeg, byte[] icc) {
        int p = 2;
        if (jpeg.length > 6 && (jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
            p += 2 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        }
        int chunks = (icc.length + CHUNK - 1) / CHUNK;
        if (chunks > 255) throw new IllegalArgumentException("ICC profile too large for JPEG: " + icc.length + " bytes");
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + icc.length + 18 * chunks);
        out.write(jpeg, 0, p);
        for (int i = 0; i < chunks; i++) {
            int from = i * CHUNK, n = Math.min(CHUNK, icc.length - from);
            int len = 2 + ICC_ID.length + 2 + n;
            out.write(0xff);
            out.write(0xe2);
            out.write(len >> 8);
            out.write(len & 0xff);
            out.writeBytes(ICC_ID);
            out.write(i + 1);
            out.write(chunks);
            out.write(icc, from, n);
        }
        out.write(jpeg, p, jpeg.length - p);
        return out.toByteArray();
    }

    private static boolean isIcc(byte[] b, int at, int len) {
        if (len < ICC_ID.length) return false;
        for (int i = 0; i < ICC_ID.length; i++) if (b[at + i] != ICC_ID[i]) return false;
        return true;
    }
}
