package dev.pix2pix.image;

/** Applies an Exif/TIFF orientation (1..8) so that the stored pixels become upright. */
public final class Orientation {
    private Orientation() {}

    /** True for the orientations that swap width and height (5..8). */
    public static boolean swapsAxes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /**
     * Returns the upright image for the given tag value; 1 and unknown values return {@code img}
     * itself. 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 CW, 7 transverse, 8 rotate 90 CCW.
     */
    public static FloatImage upright(FloatImage img, int orientation) {
        if (orientation < 2 || orientation > 8) return img;
        int c = img.channels(), h = img.height(), w = img.width();
        boolean swap = swapsAxes(orientation);
        int oh = swap ? w : h, ow = swap ? h : w;
        float[] src = img.data(), out = new float[src.length];
        int n = h * w;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sy, sx;
                switch (orientation) {
                    case 2 -> { sy = y; sx = w - 1 - x; }
                    case 3 -> { sy = h - 1 - y; sx = w - 1 - x; }
                    case 4 -> { sy = h - 1 - y; sx = x; }
                    case 5 -> { sy = x; sx = y; }
                    case 6 -> { sy = h - 1 - x; sx = y; }
                    case 7 -> { sy = h - 1 - x; sx = w - 1 - y; }
                    default -> { sy = x; sx = w - 1 - y; } // 8
                }
                int s = sy * w + sx, d = y * ow + x;
                for (int ch = 0; ch < c; ch++) out[ch * n + d] = src[ch * n + s];
            }
        }
        return new FloatImage(c, oh, ow, out);
    }
}
