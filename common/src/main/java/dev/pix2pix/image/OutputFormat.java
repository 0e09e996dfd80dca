package dev.pix2pix.image;

/**
 * Encoded output choice.
 *
 * @param container   PNG, JPEG or TIFF
 * @param bitDepth    8 or 16 (16 only for PNG and TIFF masters)
 * @param jpegQuality 0..1 for JPEG, ignored otherwise
 */
public record OutputFormat(Container container, int bitDepth, float jpegQuality) {
    public enum Container { PNG, JPEG, TIFF }

    public OutputFormat {
        if (bitDepth != 8 && bitDepth != 16) throw new IllegalArgumentException("bit depth must be 8 or 16");
        if (container == Container.JPEG && bitDepth != 8) throw new IllegalArgumentException("JPEG is 8-bit only");
        if (jpegQuality < 0 || jpegQuality > 1) throw new IllegalArgumentException("JPEG quality must be in [0,1]");
    }

    public static OutputFormat png8() { return new OutputFormat(Container.PNG, 8, 0); }

    /** 16-bit PNG, for masters. */
    public static OutputFormat png16() { return new OutputFormat(Container.PNG, 16, 0); }

    public static OutputFormat jpeg(float quality) { return new OutputFormat(Container.JPEG, 8, quality); }

    public static OutputFormat tiff8() { return new OutputFormat(Container.TIFF, 8, 0); }

    public static OutputFormat tiff16() { return new OutputFormat(Container.TIFF, 16, 0); }

    public String fileExtension() {
        return switch (container) { case PNG -> "png"; case JPEG -> "jpg"; case TIFF -> "tif"; };
    }

    public String mimeType() {
        return switch (container) { case PNG -> "image/png"; case JPEG -> "image/jpeg"; case TIFF -> "image/tiff"; };
    }
}
