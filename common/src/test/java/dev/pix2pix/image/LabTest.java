package dev.pix2pix.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LabTest {
    @Test
    void whiteBlackAndGrayAxis() {
        double[] lab = new double[3];
        Lab.fromRgb(1, 1, 1, lab);
        assertEquals(100, lab[0], 1e-4);
        Lab.fromRgb(0, 0, 0, lab);
        assertEquals(0, lab[0], 1e-12);
        for (int i = 0; i <= 255; i++) {
            Lab.fromRgb8(i, i, i, lab);
            assertEquals(0, lab[1], 1e-3, "gray has no chroma");
            assertEquals(0, lab[2], 1e-3);
            assertEquals(lab[0], Lab.luminanceL(i / 255.0), 1e-9, "luminanceL is the L of (g,g,g)");
            double[] direct = new double[3];
            Lab.fromRgb(i / 255.0, i / 255.0, i / 255.0, direct);
            assertEquals(direct[0], lab[0], 0, "8-bit table gives the same numbers");
            assertEquals(i / 255.0, Lab.grayForL(lab[0]), 1e-9, "grayForL inverts luminanceL");
        }
    }

    @Test
    void roundTripInsideGamut() {
        Random rnd = new Random(11);
        double[] lab = new double[3], rgb = new double[3];
        for (int i = 0; i < 20_000; i++) {
            double r = rnd.nextDouble(), g = rnd.nextDouble(), b = rnd.nextDouble();
            Lab.fromRgb(r, g, b, lab);
            Lab.toRgb(lab[0], lab[1], lab[2], rgb);
            assertEquals(r, rgb[0], 1e-6);
            assertEquals(g, rgb[1], 1e-6);
            assertEquals(b, rgb[2], 1e-6);
            Lab.labToRgbPreservingL(lab[0], lab[1], lab[2], rgb);
            assertEquals(r, rgb[0], 1e-6, "in-gamut colours are not altered");
        }
    }

    @Test
    void outOfGamutKeepsLightnessAndHue() {
        Random rnd = new Random(12);
        double[] rgb = new double[3], back = new double[3], raw = new double[3];
        int outside = 0;
        for (int i = 0; i < 20_000; i++) {
            double l = rnd.nextDouble() * 100, a = rnd.nextDouble() * 240 - 120, b = rnd.nextDouble() * 240 - 120;
            Lab.toRgb(l, a, b, raw);
            boolean inGamut = raw[0] >= 0 && raw[0] <= 1 && raw[1] >= 0 && raw[1] <= 1 && raw[2] >= 0 && raw[2] <= 1;
            if (!inGamut) outside++;
            Lab.labToRgbPreservingL(l, a, b, rgb);
            for (double v : rgb) assertTrue(v >= 0 && v <= 1);
            Lab.fromRgb(rgb[0], rgb[1], rgb[2], back);
            assertEquals(l, back[0], 1e-3, "lightness kept for L=" + l + " a=" + a + " b=" + b);
            // chroma only shrinks, along the same hue direction
            double c0 = Math.hypot(a, b), c1 = Math.hypot(back[1], back[2]);
            assertTrue(c1 <= c0 + 1e-3);
            if (c1 > 1) assertEquals(0, a * back[2] - b * back[1], 1e-2 * c0 * c1, "hue direction kept");
        }
        assertTrue(outside > 5_000, "the sample really exercises the out-of-gamut path");
    }

    @Test
    void clippingWouldHaveChangedLightness() {
        // a saturated Lab colour: naive channel clipping moves L, the chroma search does not
        double l = 50, a = 110, b = -110;
        double[] raw = new double[3], lab = new double[3], kept = new double[3];
        Lab.toRgb(l, a, b, raw);
        Lab.fromRgb(clamp(raw[0]), clamp(raw[1]), clamp(raw[2]), lab);
        Lab.labToRgbPreservingL(l, a, b, kept);
        double[] keptLab = new double[3];
        Lab.fromRgb(kept[0], kept[1], kept[2], keptLab);
        assertTrue(Math.abs(lab[0] - l) > 1, "clipping shifts L (" + lab[0] + ")");
        assertEquals(l, keptLab[0], 1e-3);
        assertEquals(l, Lab.fromRgb(kept[0], kept[1], kept[2])[0], 1e-3);
        assertEquals(kept[2], Lab.labToRgbPreservingL(l, a, b)[2], 0);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    @Test
    void imageLevelHelpers() {
        FloatImage img = TestImages.colourful(9, 7, 3);
        FloatImage lab = Lab.rgbToLab(img);
        FloatImage back = Lab.labToRgb(lab);
        for (int i = 0; i < img.data().length; i++) assertEquals(img.data()[i], back.data()[i], 1e-4);
        float[] l = Lab.lightnessPlane(img);
        for (int i = 0; i < l.length; i++) assertEquals(lab.data()[i], l[i], 1e-4);
        FloatImage gray = Grayscale.fromLightness(img);
        float[] lg = Lab.lightnessPlane(gray);
        for (int i = 0; i < l.length; i++) assertEquals(l[i], lg[i], 1e-3, "toned-print gray keeps Lab L");
    }
}
