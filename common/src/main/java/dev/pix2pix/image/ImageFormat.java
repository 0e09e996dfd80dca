package dev.pix2pix.image;

import java.nio.charset.StandardCharsets;

/** Container format recognised from the first bytes of a file (never from the file name). */
enum ImageFormat {
    PNG("PNG"), JPEG("JPEG"), TIFF("TIFF"), BMP("BMP"), GIF("GIF"),
    BIGTIFF("BigTIFF is not supported"), WEBP("WebP is not supported"), HEIF("HEIF/AVIF is not supported"),
    JPEG2000("JPEG 2000 is not supported"), PSD("Photoshop PSD is not supported"), PDF("PDF is not an image"),
    TRUNCATED_HEADER("header incomplete"), UNKNOWN("unknown format (no known image signature)");

    private final String description;

    ImageFormat(String description) { this.description = description; }

    String description() { return description; }

    private static final byte[][] SIGNATURES = {
        {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a},
        {(byte) 0xff, (byte) 0xd8, (byte) 0xff},
        {'I', 'I', 42, 0}, {'M', 'M', 0, 42},
        {'G', 'I', 'F', '8'},
    };
    private static final ImageFormat[] SIGNATURE_FORMATS = {PNG, JPEG, TIFF, TIFF, GIF};

    static ImageFormat sniff(byte[] b) {
        for (int i = 0; i < SIGNATURES.length; i++) {
            byte[] sig = SIGNATURES[i];
            int n = Math.min(sig.length, b.length);
            boolean match = true;
            for (int k = 0; k < n && match; k++) match = b[k] == sig[k];
            if (match) return n == sig.length ? SIGNATURE_FORMATS[i] : TRUNCATED_HEADER;
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') return BMP;
        if (starts(b, "II+\0") || starts(b, "MM\0+")) return BIGTIFF;
        if (starts(b, "RIFF") && b.length >= 12 && new String(b, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP")) return WEBP;
        if (b.length >= 12 && new String(b, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp")) return HEIF;
        if (b.length >= 12 && b[4] == 'j' && b[5] == 'P' && b[6] == ' ' && b[7] == ' ') return JPEG2000;
        if (b.length >= 4 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0x4f && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x51) return JPEG2000;
        if (starts(b, "8BPS")) return PSD;
        if (starts(b, "%PDF")) return PDF;
        return UNKNOWN;
    }

    private static boolean starts(byte[] b, String s) {
        if (b.length < s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b[i] != (byte) s.charAt(i)) return false;
        return true;
    }
}
