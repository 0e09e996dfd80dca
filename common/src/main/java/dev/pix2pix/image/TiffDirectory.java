package dev.pix2pix.image;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Minimal reader of the first IFD of a TIFF structure (a TIFF file, or the Exif payload of a JPEG
 * APP1 / PNG eXIf chunk): just the tags needed to vet a file before handing it to ImageIO and to
 * make it upright. Every offset is bounds-checked; malformed input raises {@link Malformed}.
 */
final class TiffDirectory {
    static final int IMAGE_WIDTH = 256, IMAGE_LENGTH = 257, BITS_PER_SAMPLE = 258, COMPRESSION = 259,
            PHOTOMETRIC = 262, IMAGE_DESCRIPTION = 270, STRIP_OFFSETS = 273, ORIENTATION = 274,
            SAMPLES_PER_PIXEL = 277, STRIP_BYTE_COUNTS = 279, SOFTWARE = 305, ARTIST = 315,
            TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325, COPYRIGHT = 33432, ICC_PROFILE = 34675;

    static final class Malformed extends Exception {
        /** The structure points past the end of the data: most likely a cut-off file. */
        final boolean pastEnd;

        Malformed(String m) { this(m, false); }

        Malformed(String m, boolean pastEnd) {
            super(m);
            this.pastEnd = pastEnd;
        }
    }

    long width, height;
    int samplesPerPixel = 1;
    int bitsPerSample = 1;
    int photometric = -1;
    int compression = 1;
    int orientation = 1;
    byte[] iccProfile;
    final Map<String, String> text = new LinkedHashMap<>();
    long[] dataOffsets = new long[0];
    long[] dataCounts = new long[0];

    private final byte[] buf;
    private final int base;
    private final int end;
    private boolean little;

    private TiffDirectory(byte[] buf, int base, int end) {
        this.buf = buf;
        this.base = base;
        this.end = end;
    }

    /** Parses the TIFF structure in buf[base, end). */
    static TiffDirectory parse(byte[] buf, int base, int end) throws Malformed {
        TiffDirectory d = new TiffDirectory(buf, base, end);
        d.read();
        return d;
    }

    /** Largest byte position (relative to the TIFF start) referenced by the image data. */
    long dataEnd() {
        long max = 0;
        for (int i = 0; i < Math.min(dataOffsets.length, dataCounts.length); i++) {
            max = Math.max(max, dataOffsets[i] + dataCounts[i]);
        }
        return max;
    }

    private void read() throws Malformed {
        if (end - base < 8) throw new Malformed("TIFF header too short");
        if (buf[base] == 'I' && buf[base + 1] == 'I') little = true;
        else if (buf[base] == 'M' && buf[base + 1] == 'M') little = false;
        else throw new Malformed("bad TIFF byte order");
        int magic = u16(2);
        if (magic == 43) throw new Malformed("BigTIFF");
        if (magic != 42) throw new Malformed("bad TIFF magic " + magic);
        long ifd = u32(4);
        if (ifd < 8 || ifd + 2 > end - base) throw new Malformed("IFD offset outside file", true);
        int n = u16((int) ifd);
        if (ifd + 2 + 12L * n > end - base) throw new Malformed("IFD runs past end of data", true);
        for (int i = 0; i < n; i++) entry((int) ifd + 2 + 12 * i);
    }

    private static int typeSize(int type) {
        switch (type) {
            case 1: case 2: case 6: case 7: return 1;
            case 3: case 8: return 2;
            case 4: case 9: case 11: return 4;
            case 5: case 10: case 12: return 8;
            default: return 0;
        }
    }

    private void entry(int p) throws Malformed {
        int tag = u16(p), type = u16(p + 2);
        long count = u32(p + 4);
        int size = typeSize(type);
        if (size == 0) return; // unknown type: skip, as the spec asks
        long bytes = count * size;
        long valueAt = bytes <= 4 ? p + 8 : u32(p + 8);
        if (valueAt < 0 || valueAt + bytes > end - base) {
            if (tag == STRIP_OFFSETS || tag == TILE_OFFSETS || tag == STRIP_BYTE_COUNTS || tag == TILE_BYTE_COUNTS) {
                throw new Malformed("tag " + tag + " values outside file", true);
            }
            return; // a broken ancillary tag must not reject the image
        }
        int v = (int) valueAt;
        switch (tag) {
            case IMAGE_WIDTH -> width = num(type, v, 0);
            case IMAGE_LENGTH -> height = num(type, v, 0);
            case BITS_PER_SAMPLE -> bitsPerSample = (int) num(type, v, 0);
            case SAMPLES_PER_PIXEL -> samplesPerPixel = (int) num(type, v, 0);
            case PHOTOMETRIC -> photometric = (int) num(type, v, 0);
            case COMPRESSION -> compression = (int) num(type, v, 0);
            case ORIENTATION -> orientation = (int) num(type, v, 0);
            case STRIP_OFFSETS, TILE_OFFSETS -> dataOffsets = nums(type, v, count);
            case STRIP_BYTE_COUNTS, TILE_BYTE_COUNTS -> dataCounts = nums(type, v, count);
            case ICC_PROFILE -> {
                iccProfile = new byte[(int) bytes];
                System.arraycopy(buf, base + v, iccProfile, 0, (int) bytes);
            }
            case IMAGE_DESCRIPTION -> text.put("ImageDescription", ascii(v, (int) bytes));
            case SOFTWARE -> text.put("Software", ascii(v, (int) bytes));
            case ARTIST -> text.put("Artist", ascii(v, (int) bytes));
            case COPYRIGHT -> text.put("Copyright", ascii(v, (int) bytes));
            default -> { }
        }
    }

    private String ascii(int at, int len) {
        int n = len;
        while (n > 0 && buf[base + at + n - 1] == 0) n--;
        // TIFF says ASCII; real files carry UTF-8, which is a superset for the ASCII part
        return new String(buf, base + at, n, StandardCharsets.UTF_8);
    }

    private long[] nums(int type, int at, long count) throws Malformed {
        if (count > 50_000_000) throw new Malformed("absurd strip count " + count);
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) out[i] = num(type, at, i);
        return out;
    }

    private long num(int type, int at, long index) {
        return switch (type) {
            case 1, 7 -> buf[base + at + (int) index] & 0xff;
            case 3 -> u16(at + 2 * (int) index);
            case 4 -> u32(at + 4 * (int) index);
            default -> 0;
        };
    }

    private int u16(int p) {
        int a = buf[base + p] & 0xff, b = buf[base + p + 1] & 0xff;
        return little ? (b << 8) | a : (a << 8) | b;
    }

    private long u32(int p) {
        long a = u16(p), b = u16(p + 2);
        return little ? (b << 16) | a : (a << 16) | b;
    }
}
