package dev.pix2pix.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Walks the chunks of a PNG before decoding: IHDR size, iCCP profile, eXIf, text chunks, and whether
 * the chunk sequence is complete up to IEND. Critical chunks with a bad CRC mark the file corrupt
 * (as libpng does); damaged ancillary chunks are ignored.
 */
final class PngStructure {
    long width = -1, height = -1;
    int bitDepth, colorType;
    boolean hasIend;
    boolean truncated;
    String corruptChunk;
    byte[] icc;
    byte[] exif;
    final Map<String, String> text = new LinkedHashMap<>();

    /** Cap on inflated text/profile sizes: a zTXt bomb must not exhaust memory either. */
    private static final int MAX_INFLATED = 16 << 20;

    static PngStructure parse(byte[] b) {
        PngStructure s = new PngStructure();
        s.walk(b);
        return s;
    }

    private void walk(byte[] b) {
        int p = 8;
        CRC32 crc = new CRC32();
        while (true) {
            if (p + 8 > b.length) { truncated = true; return; }
            long len = u32(b, p);
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (len > Integer.MAX_VALUE || p + 12 + len > b.length) { truncated = true; return; }
            int data = p + 8, n = (int) len;
            crc.reset();
            crc.update(b, p + 4, n + 4);
            boolean crcOk = crc.getValue() == u32(b, data + n);
            boolean critical = Character.isUpperCase(type.charAt(0));
            if (!crcOk && critical) { corruptChunk = type; return; }
            if (crcOk) chunk(type, b, data, n);
            p = data + n + 4;
            if (type.equals("IEND")) { hasIend = true; return; }
        }
    }

    private void chunk(String type, byte[] b, int p, int n) {
        switch (type) {
            case "IHDR" -> {
                if (n >= 13) {
                    width = u32(b, p);
                    height = u32(b, p + 4);
                    bitDepth = b[p + 8] & 0xff;
                    colorType = b[p + 9] & 0xff;
                }
            }
            case "iCCP" -> {
                int z = zero(b, p, n);
                if (z > 0 && z + 2 <= p + n) icc = inflate(b, z + 2, p + n - z - 2);
            }
            case "eXIf" -> exif = Arrays.copyOfRange(b, p, p + n);
            case "tEXt" -> {
                int z = zero(b, p, n);
                if (z > 0) text.put(latin1(b, p, z - p), latin1(b, z + 1, p + n - z - 1));
            }
            case "zTXt" -> {
                int z = zero(b, p, n);
                if (z > 0 && z + 2 <= p + n) {
                    byte[] v = inflate(b, z + 2, p + n - z - 2);
                    if (v != null) text.put(latin1(b, p, z - p), new String(v, StandardCharsets.ISO_8859_1));
                }
            }
            case "iTXt" -> iTxt(b, p, n);
            default -> { }
        }
    }

    private void iTxt(byte[] b, int p, int n) {
        int end = p + n;
        int z = zero(b, p, n);
        if (z < 0 || z + 3 > end) return;
        boolean compressed = b[z + 1] != 0;
        int lang = zero(b, z + 3, end - z - 3);
        if (lang < 0) return;
        int translated = zero(b, lang + 1, end - lang - 1);
        if (translated < 0) return;
        int t = translated + 1;
        byte[] v = compressed ? inflate(b, t, end - t) : Arrays.copyOfRange(b, t, end);
        if (v != null) text.put(latin1(b, p, z - p), new String(v, StandardCharsets.UTF_8));
    }

    private static int zero(byte[] b, int p, int n) {
        for (int i = p; i < p + n; i++) if (b[i] == 0) return i;
        return -1;
    }

    private static String latin1(byte[] b, int p, int n) {
        return new String(b, p, n, StandardCharsets.ISO_8859_1);
    }

    private static byte[] inflate(byte[] b, int p, int n) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(b, p, n);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] tmp = new byte[8192];
            while (!inf.finished()) {
                int k = inf.inflate(tmp);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) return null;
                out.write(tmp, 0, k);
                if (out.size() > MAX_INFLATED) return null;
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            return null;
        } finally {
            inf.end();
        }
    }

    static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
}
