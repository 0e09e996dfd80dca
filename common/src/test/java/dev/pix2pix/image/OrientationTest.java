package dev.pix2pix.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class OrientationTest {
    private static FloatImage numbered(int w, int h) {
        FloatImage img = FloatImage.zeros(2, h, w);
        for (int i = 0; i < w * h; i++) {
            img.data()[i] = i;
            img.data()[w * h + i] = -i;
        }
        return img;
    }

    @Test
    void inversePairsGiveIdentity() {
        FloatImage img = numbered(5, 3);
        assertArrayEquals(img.data(), Orientation.upright(Orientation.upright(img, 6), 8).data());
        for (int self : new int[] {2, 3, 4, 5, 7}) {
            assertArrayEquals(img.data(), Orientation.upright(Orientation.upright(img, self), self).data(), "o=" + self);
        }
        assertSame(img, Orientation.upright(img, 1));
        assertSame(img, Orientation.upright(img, 0));
    }

    @Test
    void cornersLandWhereExifSays() {
        FloatImage img = numbered(5, 3); // value = y*5+x
        float tl = 0, tr = 4, bl = 10, br = 14;
        // orientation 6 (rotate CW): stored top-left ends top-right
        FloatImage o6 = Orientation.upright(img, 6);
        assertEquals(3, o6.width());
        assertEquals(5, o6.height());
        assertEquals(tl, o6.get(0, 0, 2));
        assertEquals(bl, o6.get(0, 0, 0));
        // orientation 8 (rotate CCW): stored top-left ends bottom-left
        FloatImage o8 = Orientation.upright(img, 8);
        assertEquals(tl, o8.get(0, 4, 0));
        assertEquals(tr, o8.get(0, 0, 0));
        // 5 transpose, 7 transverse
        assertEquals(tr, Orientation.upright(img, 5).get(0, 4, 0));
        assertEquals(br, Orientation.upright(img, 7).get(0, 0, 0));
        assertEquals(br, Orientation.upright(img, 3).get(0, 0, 0));
        assertEquals(tr, Orientation.upright(img, 2).get(0, 0, 0));
        assertEquals(bl, Orientation.upright(img, 4).get(0, 0, 0));
        assertEquals(-bl, Orientation.upright(img, 4).get(1, 0, 0), "all channels move");
    }
}
