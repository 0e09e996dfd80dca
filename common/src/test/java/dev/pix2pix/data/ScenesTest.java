package dev.pix2pix.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated scenes the demo trains on and the worker ITs upload. */
class ScenesTest {
    @Test
    void scenesAreDeterministicColourfulAndTheirGrayIsTheLuma() {
        BufferedImage a = Scenes.scene(3, 64, 48), b = Scenes.scene(3, 64, 48), c = Scenes.scene(4, 64, 48);
        assertEquals(64, a.getWidth());
        assertEquals(48, a.getHeight());
        int differentFromC = 0, colourful = 0;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                assertEquals(a.getRGB(x, y), b.getRGB(x, y), "same seed, same pixels");
                differentFromC += a.getRGB(x, y) != c.getRGB(x, y) ? 1 : 0;
                int p = a.getRGB(x, y), r = (p >> 16) & 255, g = (p >> 8) & 255, bl = p & 255;
                colourful += Math.max(r, Math.max(g, bl)) - Math.min(r, Math.min(g, bl)) > 30 ? 1 : 0;
            }
        }
        assertTrue(differentFromC > 64 * 48 / 2, "another seed, another scene");
        assertTrue(colourful > 64 * 48 / 2, "most pixels are clearly coloured: " + colourful);

        BufferedImage gray = Scenes.gray(a);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, gray.getType());
        int p = a.getRGB(10, 5);
        double luma = 0.299 * ((p >> 16) & 255) + 0.587 * ((p >> 8) & 255) + 0.114 * (p & 255);
        assertEquals(Math.round(luma), gray.getRaster().getSample(10, 5, 0));
    }

    /** The demo's gray inputs keep each pixel's Lab lightness (the L a colorizer is trained on), unlike luma. */
    @Test
    void lightnessGrayKeepsLabLightness() {
        BufferedImage a = Scenes.scene(5, 64, 48), gray = Scenes.grayLightness(a), luma = Scenes.gray(a);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, gray.getType());
        double worst = 0, worstLuma = 0;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                int p = a.getRGB(x, y);
                double l = dev.pix2pix.image.Lab.lightness(((p >> 16) & 255) / 255.0, ((p >> 8) & 255) / 255.0,
                        (p & 255) / 255.0);
                double g = gray.getRaster().getSample(x, y, 0) / 255.0;
                worst = Math.max(worst, Math.abs(dev.pix2pix.image.Lab.lightness(g, g, g) - l));
                double y601 = luma.getRaster().getSample(x, y, 0) / 255.0;
                worstLuma = Math.max(worstLuma, Math.abs(dev.pix2pix.image.Lab.lightness(y601, y601, y601) - l));
            }
        }
        assertTrue(worst < 0.3, "within 8-bit rounding of the colour's L: " + worst);
        assertTrue(worstLuma > 3, "luma gray moves saturated colours' L (the reason for this conversion): " + worstLuma);
    }

    /** The colour of each kind of object can be told from the gray image: its palette's lumas are apart. */
    @Test
    void palettesOfEachKindDifferInLuma() {
        Map<String, java.awt.Color[]> kinds = Map.of("ground", Scenes.GROUNDS, "wall", Scenes.WALLS, "roof", Scenes.ROOFS,
                "balloon", Scenes.BALLOONS, "sky top", new java.awt.Color[] {Scenes.SKIES[0][0], Scenes.SKIES[1][0]});
        kinds.forEach((kind, palette) -> {
            for (int i = 0; i < palette.length; i++) {
                for (int j = i + 1; j < palette.length; j++) {
                    assertTrue(Math.abs(luma(palette[i]) - luma(palette[j])) >= 25, kind + " " + i + " vs " + j);
                }
            }
        });
    }

    private static double luma(java.awt.Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }
}
