package dev.pix2pix.pth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class TensorDataTest {

    @Test
    void halfPrecisionConversionRoundTripsEveryValue() {
        for (int h = 0; h < 0x10000; h++) {
            float f = TensorData.halfToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(TensorData.halfToFloat(TensorData.floatToHalf(f))));
                continue;
            }
            assertEquals((short) h, TensorData.floatToHalf(f), "half bits " + Integer.toHexString(h));
        }
    }

    @Test
    void halfPrecisionRoundsToNearestEven() {
        assertEquals((short) 0x3c00, TensorData.floatToHalf(1.0f));
        assertEquals((short) 0x2e66, TensorData.floatToHalf(0.1f));
        assertEquals((short) 0x7bff, TensorData.floatToHalf(65504f));
        assertEquals((short) 0x7bff, TensorData.floatToHalf(65519f));
        assertEquals((short) 0x7c00, TensorData.floatToHalf(65520f)); // rounds up to infinity
        assertEquals((short) 0x0001, TensorData.floatToHalf(0x1p-24f));
        assertEquals((short) 0x0000, TensorData.floatToHalf(0x1p-25f)); // tie -> even (0)
        assertEquals((short) 0x0002, TensorData.floatToHalf(0x3p-25f)); // tie -> even (2)
        assertEquals((short) 0x8000, TensorData.floatToHalf(-0.0f));
        assertEquals((short) 0x3c00, TensorData.floatToHalf(1.0f + 0x1p-11f)); // tie -> even
        assertEquals((short) 0x3c01, TensorData.floatToHalf(1.0f + 0x3p-12f));
        assertEquals(6.103515625e-05f, TensorData.halfToFloat((short) 0x0400));
    }

    @Test
    void bfloat16Conversion() {
        assertEquals(1.0f, TensorData.bfloat16ToFloat(TensorData.floatToBFloat16(1.0f)));
        assertEquals(3.140625f, TensorData.bfloat16ToFloat(TensorData.floatToBFloat16(3.14159f)));
        assertEquals((short) 0x3f80, TensorData.floatToBFloat16(1.0f + 0x1p-8f)); // tie -> even
        assertEquals((short) 0x3f82, TensorData.floatToBFloat16(1.0f + 0x3p-8f)); // tie -> even
        assertTrue(Float.isNaN(TensorData.bfloat16ToFloat(TensorData.floatToBFloat16(Float.NaN))));
    }

    @Test
    void factoriesAndConversions() {
        TensorData s = TensorData.ofLongScalar(42);
        assertEquals(DType.INT64, s.dtype());
        assertEquals(0, s.rank());
        assertEquals(1, s.numel());
        assertArrayEquals(new long[] {42}, s.toLongArray());
        assertArrayEquals(new float[] {42}, s.toFloatArray());
        assertThrows(IllegalStateException.class, () -> TensorData.ofFloatScalar(1.5f).toLongArray());

        TensorData d = TensorData.ofDoubles(new long[] {2}, new double[] {0.1, 1e300});
        assertArrayEquals(new float[] {0.1f, Float.POSITIVE_INFINITY}, d.toFloatArray());
        assertArrayEquals(new double[] {0.1, 1e300}, d.toDoubleArray());
        assertEquals(DType.FLOAT32, d.toFloat32().dtype());

        TensorData h = TensorData.ofFloat16(new long[] {1, 2}, new float[] {0.5f, -2f});
        assertArrayEquals(new float[] {0.5f, -2f}, h.toFloatArray());
        assertEquals(4, h.byteSize());
        assertArrayEquals(new int[] {1, 2}, h.intShape());
        assertArrayEquals(new float[] {0.5f, -2f}, h.reshape(2).toFloatArray());

        TensorData u8 = TensorData.ofBytes(DType.UINT8, new long[] {2}, new byte[] {(byte) 255, 1});
        assertArrayEquals(new long[] {255, 1}, u8.toLongArray());
        TensorData i8 = TensorData.ofBytes(DType.INT8, new long[] {2}, new byte[] {(byte) 255, 1});
        assertArrayEquals(new long[] {-1, 1}, i8.toLongArray());

        assertThrows(IllegalArgumentException.class, () -> TensorData.ofFloats(new long[] {3}, new float[2]));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorData(DType.FLOAT32, new long[] {2}, ByteBuffer.allocate(7)));
        assertThrows(IllegalArgumentException.class, () -> TensorData.ofFloats(new long[] {-1}, new float[0]));
    }

    @Test
    void valueSemanticsAndDefensiveCopies() {
        long[] shape = {2};
        float[] v = {1, 2};
        TensorData a = TensorData.ofFloats(shape, v);
        shape[0] = 5;
        v[0] = 9;
        assertArrayEquals(new long[] {2}, a.shape());
        assertArrayEquals(new float[] {1, 2}, a.toFloatArray());
        a.shape()[0] = 7;
        assertArrayEquals(new long[] {2}, a.shape());
        assertTrue(a.data().isReadOnly());
        assertEquals(a, TensorData.ofFloats(new long[] {2}, new float[] {1, 2}));
        assertEquals(a.hashCode(), TensorData.ofFloats(new long[] {2}, new float[] {1, 2}).hashCode());
        assertNotEquals(a, TensorData.ofFloats(new long[] {1, 2}, new float[] {1, 2}));
        assertNotEquals(a, TensorData.ofInts(new long[] {2}, new int[] {1, 2}));
    }

    @Test
    void stateDictKeepsOrderAndHelps() {
        StateDict sd = new StateDict();
        sd.put("module.b", TensorData.ofFloatScalar(1)).put("module.a", TensorData.ofFloatScalar(2))
                .put("other", TensorData.ofFloatScalar(3));
        sd.put("module.b", TensorData.ofFloatScalar(4)); // replacing keeps the position
        assertEquals(List.of("module.b", "module.a", "other"), List.copyOf(sd.keys()));
        StateDict stripped = sd.withPrefixRemoved("module.");
        assertEquals(List.of("b", "a"), List.copyOf(stripped.keys()));
        assertEquals(List.of("module.b", "module.a"), List.copyOf(stripped.withPrefixAdded("module.").keys()));
        assertEquals(3, sd.totalElements());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> sd.require("nope"));
        assertTrue(e.getMessage().contains("'nope'"));
        assertThrows(UnsupportedOperationException.class, () -> sd.keys().remove("other"));
        StateDict reordered = new StateDict().put("module.a", TensorData.ofFloatScalar(2))
                .put("module.b", TensorData.ofFloatScalar(4)).put("other", TensorData.ofFloatScalar(3));
        assertNotEquals(sd, reordered);
    }
}
