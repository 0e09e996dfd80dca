package dev.pix2pix.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Walks the marker segments of a JPEG before decoding: frame header (size, precision, component
 * count), Adobe APP14 transform, Exif APP1, ICC APP2 chunks and COM text, and whether an EOI marker
 * follows the entropy-coded data. libjpeg pads a truncated scan with gray and only warns, so a
 * missing EOI is how an archive scan recognises a cut-off file.
 */
final class JpegStructure {
    int width = -1, height = -1, precision = 8, components = -1;
    boolean progressive;
    int adobeTransform = -1;
    byte[] exif;
    byte[] icc;
    final List<String> comments = new ArrayList<>();
    boolean hasEoi;
    /** Set when a segment header runs past the end of the data. */
    boolean cutInHeaders;

    private static final byte[] EXIF_ID = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] ICC_ID = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);

    static JpegStructure parse(byte[] b) {
        JpegStructure s = new JpegStructure();
        s.walk(b);
        return s;
    }

    private void walk(byte[] b) {
        int n = b.length;
        int p = 2; // after SOI
        List<byte[]> iccChunks = new ArrayList<>();
        while (true) {
            // find the next marker (fill bytes 0xFF may repeat)
            if (p >= n) { cutInHeaders = true; break; }
            if ((b[p] & 0xff) != 0xff) { p++; continue; } // tolerate junk between segments, as libjpeg does
            while (p < n && (b[p] & 0xff) == 0xff) p++;
            if (p >= n) { cutInHeaders = true; break; }
            int m = b[p++] & 0xff;
            if (m == 0xd9) { hasEoi = true; break; }
            if (m == 0x01 || (m >= 0xd0 && m <= 0xd7) || m == 0x00) continue; // no length
            if (p + 2 > n) { cutInHeaders = true; break; }
            int len = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
            if (len < 2 || p + len > n) { cutInHeaders = true; break; }
            int data = p + 2, dlen = len - 2;
            if ((m >= 0xc0 && m <= 0xcf) && m != 0xc4 && m != 0xc8 && m != 0xcc) {
                if (dlen >= 6 && width < 0) {
                    precision = b[data] & 0xff;
                    height = ((b[data + 1] & 0xff) << 8) | (b[data + 2] & 0xff);
                    width = ((b[data + 3] & 0xff) << 8) | (b[data + 4] & 0xff);
                    components = b[data + 5] & 0xff;
                    progressive = m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce;
                }
            } else if (m == 0xe1 && exif == null && startsWith(b, data, dlen, EXIF_ID)) {
                exif = Arrays.copyOfRange(b, data + EXIF_ID.length, data + dlen);
            } else if (m == 0xe2 && startsWith(b, data, dlen, ICC_ID) && dlen >= ICC_ID.length + 2) {
                int seq = b[data + ICC_ID.length] & 0xff;
                while (iccChunks.size() < seq) iccChunks.add(null);
                if (seq >= 1) iccChunks.set(seq - 1, Arrays.copyOfRange(b, data + ICC_ID.length + 2, data + dlen));
            } else if (m == 0xee && dlen >= 12 && startsWith(b, data, dlen, "Adobe".getBytes(StandardCharsets.ISO_8859_1))) {
                adobeTransform = b[data + 11] & 0xff;
            } else if (m == 0xfe) {
                int e = dlen;
                while (e > 0 && b[data + e - 1] == 0) e--;
                comments.add(new String(b, data, e, StandardCharsets.UTF_8));
            }
            p += len;
            if (m == 0xda) {
                p = skipEntropy(b, p);
                if (p < 0) break; // ran off the end inside scan data: hasEoi stays false
            }
        }
        icc = joinIcc(iccChunks);
    }

    /** Returns the position of the 0xFF that starts the next non-RST marker after scan data, or -1. */
    private static int skipEntropy(byte[] b, int p) {
        int n = b.length;
        while (p + 1 < n) {
            if ((b[p] & 0xff) != 0xff) { p++; continue; }
            int next = b[p + 1] & 0xff;
            if (next == 0x00 || next == 0xff || (next >= 0xd0 && next <= 0xd7)) { p += next == 0xff ? 1 : 2; continue; }
            return p;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, int len, byte[] id) {
        if (len < id.length) return false;
        for (int i = 0; i < id.length; i++) if (b[at + i] != id[i]) return false;
        return true;
    }

    private static byte[] joinIcc(List<byte[]> chunks) {
        if (chunks.isEmpty()) return null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            if (c == null) return null; // missing chunk: profile unusable
            out.writeBytes(c);
        }
        return out.toByteArray();
    }
}
