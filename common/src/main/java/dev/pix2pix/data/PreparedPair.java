package dev.pix2pix.data;

/**
 * An entry at its prepared size: interleaved 8-bit RGB, what the prepared cache stores. Samples
 * (crop, mirror, normalisation) are cut from it every epoch.
 *
 * @param a the A image (null for the color layout, whose only image is {@code b})
 * @param b the B image (the photo, for color)
 */
public record PreparedPair(int width, int height, byte[] a, byte[] b) {
    public PreparedPair {
        long n = 3L * width * height;
        if (width < 1 || height < 1 || b == null || b.length != n || (a != null && a.length != n)) {
            throw new IllegalArgumentException("prepared pair of " + width + "x" + height + " with wrong plane sizes");
        }
    }

    public int bytes() {
        return (a == null ? 0 : a.length) + b.length;
    }
}
