package dev.pix2pix.image;

/**
 * Safety limits for decoding untrusted files.
 *
 * @param maxPixels     largest declared width*height accepted (checked from the header before decoding;
 *                      an RGB FloatImage costs 12 bytes per pixel)
 * @param maxFileBytes  largest file accepted
 * @param grayTolerance RGB files whose channels agree within this ([0,1] units) count as gray
 */
public record DecodeLimits(long maxPixels, long maxFileBytes, double grayTolerance) {
    public DecodeLimits {
        if (maxPixels <= 0 || maxFileBytes <= 0 || grayTolerance < 0) throw new IllegalArgumentException("limits must be positive");
    }

    /** The default pixel ceiling, also the workers' ({@code dev.pix2pix.delivery.Limits#DEFAULTS}). */
    public static final long DEFAULT_MAX_PIXELS = 64_000_000L;
    /** The default file size ceiling, also the workers' largest input object. */
    public static final long DEFAULT_MAX_FILE_BYTES = 512L << 20;

    /** 64 megapixels, 512 MiB files, 1/255 gray tolerance. */
    public static DecodeLimits defaults() {
        return new DecodeLimits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_FILE_BYTES, 1.0 / 255 + 1e-6);
    }

    public DecodeLimits withMaxPixels(long pixels) {
        return new DecodeLimits(pixels, maxFileBytes, grayTolerance);
    }
}
