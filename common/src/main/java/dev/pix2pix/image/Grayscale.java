package dev.pix2pix.image;

/**
 * Gray conversion for toned prints (sepia, cyanotype, selenium): the gray keeps the Lab lightness of
 * each pixel, so that a model fed with L sees the same L as the original print.
 */
public final class Grayscale {
    private Grayscale() {}

    /** 1-channel sRGB gray image g with Lab L(g,g,g) == Lab L of the input pixel. Gray input is returned as is. */
    public static FloatImage fromLightness(FloatImage img) {
        if (img.channels() == 1) return img;
        if (img.channels() != 3) throw new IllegalArgumentException("need 1 or 3 channels, got " + img.channels());
        int n = img.planeSize();
        float[] s = img.data(), o = new float[n];
        for (int i = 0; i < n; i++) {
            o[i] = (float) Lab.grayForL(Lab.lightness(s[i], s[n + i], s[2 * n + i]));
        }
        return new FloatImage(1, img.height(), img.width(), o);
    }

    /**
     * True when every pixel's channels agree within {@code tolerance} (in [0,1] units): an RGB file
     * that only holds a gray picture. 1-channel images are gray by definition.
     */
    public static boolean isGray(FloatImage img, double tolerance) {
        if (img.channels() == 1) return true;
        int n = img.planeSize();
        float[] s = img.data();
        float tol = (float) tolerance;
        for (int i = 0; i < n; i++) {
            float r = s[i], g = s[n + i], b = s[2 * n + i];
            if (Math.abs(r - g) > tol || Math.abs(r - b) > tol || Math.abs(g - b) > tol) return false;
        }
        return true;
    }
}
