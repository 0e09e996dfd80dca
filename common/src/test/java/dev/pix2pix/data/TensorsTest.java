package dev.pix2pix.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TensorsTest {
    /** A 3 x 2 RGB image whose red channel is 10 * (x + 1) + y. */
    static byte[] image() {
        byte[] rgb = new byte[3 * 2 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int p = (y * 3 + x) * 3;
                rgb[p] = (byte) (10 * (x + 1) + y);
                rgb[p + 1] = (byte) 255;
                rgb[p + 2] = 0;
            }
        }
        return rgb;
    }

    @Test
    void regionsPastTheImageAreBlackAndMirroringFollowsTheCrop() {
        // a 4 x 3 window at (1, 0): columns 1, 2 then one past the edge; rows 0, 1 then one past
        float[] t = Tensors.chw(image(), 3, 2, 1, 0, 4, 3, 3, false);
        float k = Tensors.toUnit(0);
        assertArrayEquals(new float[] {
            Tensors.toUnit(20), Tensors.toUnit(30), k, k,
            Tensors.toUnit(21), Tensors.toUnit(31), k, k,
            k, k, k, k}, java.util.Arrays.copyOf(t, 12));
        assertEquals(Tensors.toUnit(255), t[12]);
        assertEquals(k, t[12 + 3]);
        // mirrored: crop, then flip (PIL's order), so the padding moves to the left
        float[] m = Tensors.chw(image(), 3, 2, 1, 0, 4, 3, 3, true);
        assertArrayEquals(new float[] {k, k, Tensors.toUnit(30), Tensors.toUnit(20)}, java.util.Arrays.copyOf(m, 4));
    }

    @Test
    void unitValuesMapLikeBytes() {
        for (int b = 0; b < 256; b++) {
            assertEquals(Tensors.toUnit(b), Tensors.fromUnit(b / 255f), 1e-6f);
        }
        assertArrayEquals(new float[] {0f, 0.5f, 1f, 0f}, Tensors.toUnitClamped(new float[] {-3f, 0f, 1.5f, Float.NaN}));
    }
}
