package dev.pix2pix.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResizeAndLetterboxTest {
    @Test
    void constantStaysConstant() {
        FloatImage img = FloatImage.zeros(3, 17, 23);
        java.util.Arrays.fill(img.data(), 0.37f);
        for (Resize.Filter f : Resize.Filter.values()) {
            for (int[] s : new int[][] {{5, 4}, {40, 61}, {23, 9}}) {
                FloatImage r = Resize.resize(img, s[0], s[1], f);
                assertEquals(s[0], r.width());
                assertEquals(s[1], r.height());
                for (float v : r.data()) assertEquals(0.37f, v, 1e-5f, f.name());
            }
        }
    }

    @Test
    void areaHalvingAveragesBlocks() {
        FloatImage img = TestImages.colourful(8, 6, 1);
        FloatImage r = Resize.area(img, 4, 3);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    float mean = (img.get(c, 2 * y, 2 * x) + img.get(c, 2 * y, 2 * x + 1)
                            + img.get(c, 2 * y + 1, 2 * x) + img.get(c, 2 * y + 1, 2 * x + 1)) / 4;
                    assertEquals(mean, r.get(c, y, x), 1e-5f);
                }
            }
        }
    }

    @Test
    void bicubicUpThenDownIsClose() {
        FloatImage smooth = FloatImage.zeros(1, 20, 30);
        for (int y = 0; y < 20; y++) for (int x = 0; x < 30; x++) smooth.set(0, y, x, (float) (0.5 + 0.4 * Math.sin(x * 0.2) * Math.cos(y * 0.15)));
        FloatImage back = Resize.bicubic(Resize.bicubic(smooth, 60, 40), 30, 20);
        double err = 0;
        for (int i = 0; i < smooth.data().length; i++) err = Math.max(err, Math.abs(smooth.data()[i] - back.data()[i]));
        assertTrue(err < 0.02, "max error " + err);
    }

    @Test
    void squareLetterboxAndRestore() {
        FloatImage img = FloatImage.zeros(3, 100, 300);
        for (int y = 0; y < 100; y++) for (int x = 0; x < 300; x++) for (int c = 0; c < 3; c++) img.set(c, y, x, (float) (0.5 + 0.3 * Math.sin(x * 0.03 + c) * Math.cos(y * 0.05)));
        Letterbox.Fitted f = Letterbox.square(img, 256, Letterbox.Padding.REFLECT);
        assertEquals(256, f.canvas().width());
        assertEquals(256, f.canvas().height());
        Letterbox.Rect r = f.content();
        assertEquals(256, r.width());
        assertEquals(85, r.height());
        assertEquals((256 - 85) / 2, r.y());
        // reflect: the row just above the content mirrors the second content row
        for (int x = 0; x < 256; x += 17) assertEquals(f.canvas().get(1, r.y() + 1, x), f.canvas().get(1, r.y() - 1, x));
        FloatImage restored = f.restore(f.canvas());
        assertEquals(300, restored.width());
        assertEquals(100, restored.height());
        double err = 0;
        for (int i = 0; i < img.data().length; i++) err = Math.max(err, Math.abs(img.data()[i] - restored.data()[i]));
        assertTrue(err < 0.03, "max error " + err);
    }

    @Test
    void multipleOfNCanvasAndEdgePadding() {
        FloatImage img = TestImages.colourful(50, 130, 2);
        Letterbox.Fitted f = Letterbox.toMultiple(img, 100, 32, Letterbox.Padding.EDGE);
        assertEquals(128, f.canvas().height());
        assertEquals(64, f.canvas().width());
        Letterbox.Rect r = f.content();
        assertEquals(100, r.height());
        assertEquals(38, r.width());
        assertEquals(f.canvas().get(0, r.y(), r.x()), f.canvas().get(0, 0, 0), "corner replicates the content corner");
        assertEquals(50, f.restore(f.canvas()).width());
        assertEquals(130, f.restore(f.canvas()).height());
    }

    @Test
    void reflectIndexRepeatsForThinImages() {
        assertEquals(1, Letterbox.source(-1, 3, Letterbox.Padding.REFLECT));
        assertEquals(2, Letterbox.source(-2, 3, Letterbox.Padding.REFLECT));
        assertEquals(1, Letterbox.source(-3, 3, Letterbox.Padding.REFLECT));
        assertEquals(1, Letterbox.source(3, 3, Letterbox.Padding.REFLECT));
        assertEquals(0, Letterbox.source(4, 3, Letterbox.Padding.REFLECT));
        assertEquals(0, Letterbox.source(-5, 1, Letterbox.Padding.REFLECT));
        assertEquals(2, Letterbox.source(9, 3, Letterbox.Padding.EDGE));
    }
}
