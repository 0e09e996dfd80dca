package dev.pix2pix.pth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, contiguous (row-major, "C order") tensor: element type, shape and the raw values as
 * little-endian bytes, exactly as PyTorch stores them in a storage record.
 *
 * <p>The buffer handed to the canonical constructor is not copied; the record keeps a read-only
 * view of it. {@link #data()} returns a fresh read-only little-endian view each time, so callers
 * cannot disturb each other's position or byte order. The factories copy their input.
 *
 * @param dtype element type
 * @param shape sizes of the dimensions; an empty array is a 0-dim (scalar) tensor
 * @param data exactly {@code numel * dtype.byteSize()} bytes, little-endian, row-major
 */
public record TensorData(DType dtype, long[] shape, ByteBuffer data) {

    public TensorData {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long n = numel(shape);
        long bytes = Math.multiplyExact(n, (long) dtype.byteSize());
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("tensor of dtype " + dtype + " and shape "
                    + Arrays.toString(shape) + " needs " + bytes + " bytes, got " + data.remaining());
        }
        data = data.slice().asReadOnlyBuffer();
    }

    /** Number of elements of a tensor of the given shape (1 for a scalar). */
    public static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    // ------------------------------------------------------------------ factories

    /** Copies {@code values} (row-major) into a new FLOAT32 tensor. */
    public static TensorData ofFloats(long[] shape, float[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = allocate(values.length, 4);
        b.asFloatBuffer().put(values);
        return new TensorData(DType.FLOAT32, shape, b);
    }

    /** Copies {@code values} into a new FLOAT64 tensor. */
    public static TensorData ofDoubles(long[] shape, double[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = allocate(values.length, 8);
        b.asDoubleBuffer().put(values);
        return new TensorData(DType.FLOAT64, shape, b);
    }

    /** Rounds {@code values} to IEEE half precision (round to nearest even) in a FLOAT16 tensor. */
    public static TensorData ofFloat16(long[] shape, float[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = allocate(values.length, 2);
        for (float v : values) {
            b.putShort(floatToHalf(v));
        }
        b.flip();
        return new TensorData(DType.FLOAT16, shape, b);
    }

    /** Rounds {@code values} to bfloat16 (round to nearest even) in a BFLOAT16 tensor. */
    public static TensorData ofBFloat16(long[] shape, float[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = allocate(values.length, 2);
        for (float v : values) {
            b.putShort(floatToBFloat16(v));
        }
        b.flip();
        return new TensorData(DType.BFLOAT16, shape, b);
    }

    /** Copies {@code values} into a new INT64 tensor. */
    public static TensorData ofLongs(long[] shape, long[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = allocate(values.length, 8);
        b.asLongBuffer().put(values);
        return new TensorData(DType.INT64, shape, b);
    }

    /** Copies {@code values} into a new INT32 tensor. */
    public static TensorData ofInts(long[] shape, int[] values) {
        checkCount(shape, values.length);
        ByteBuffer b = allocate(values.length, 4);
        b.asIntBuffer().put(values);
        return new TensorData(DType.INT32, shape, b);
    }

    /** A 0-dim INT64 tensor, e.g. BatchNorm's {@code num_batches_tracked}. */
    public static TensorData ofLongScalar(long value) {
        return ofLongs(new long[0], new long[] {value});
    }

    /** A 0-dim FLOAT32 tensor. */
    public static TensorData ofFloatScalar(float value) {
        return ofFloats(new long[0], new float[] {value});
    }

    /** Copies raw little-endian, row-major element bytes into a new tensor. */
    public static TensorData ofBytes(DType dtype, long[] shape, byte[] littleEndian) {
        return new TensorData(dtype, shape, ByteBuffer.wrap(littleEndian.clone()));
    }

    private static void checkCount(long[] shape, int count) {
        if (numel(shape) != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has "
                    + numel(shape) + " elements, got " + count + " values");
        }
    }

    private static ByteBuffer allocate(int count, int size) {
        return ByteBuffer.allocate(Math.multiplyExact(count, size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ------------------------------------------------------------------ accessors

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** A fresh read-only little-endian view of the values, positioned at 0. */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The shape as ints (every dimension of our models fits). */
    public int[] intShape() {
        int[] r = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            r[i] = Math.toIntExact(shape[i]);
        }
        return r;
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return numel(shape);
    }

    /** Size of the values in bytes. */
    public long byteSize() {
        return data.remaining();
    }

    /** A copy of the raw little-endian values. */
    public byte[] toByteArray() {
        byte[] r = new byte[data.remaining()];
        data.duplicate().get(r);
        return r;
    }

    /**
     * The values as floats, converting from any dtype: float16/bfloat16 are widened exactly,
     * float64 and large integers are rounded, bool becomes 0/1.
     */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] r = new float[n];
        ByteBuffer b = data();
        switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer().get(r);
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = (float) b.getDouble(i * 8);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = halfToFloat(b.getShort(i * 2));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = bfloat16ToFloat(b.getShort(i * 2));
                }
            }
            default -> {
                long[] l = toLongArray();
                for (int i = 0; i < n; i++) {
                    r[i] = (float) l[i];
                }
            }
        }
        return r;
    }

    /** The values as doubles (exact for every dtype except int64 beyond 2^53). */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(numel());
        double[] r = new double[n];
        if (dtype == DType.FLOAT64) {
            data().asDoubleBuffer().get(r);
        } else if (dtype.isFloatingPoint()) {
            float[] f = toFloatArray();
            for (int i = 0; i < n; i++) {
                r[i] = f[i];
            }
        } else {
            long[] l = toLongArray();
            for (int i = 0; i < n; i++) {
                r[i] = l[i];
            }
        }
        return r;
    }

    /**
     * The values of an integer or bool tensor as longs (uint8 is read unsigned, bool as 0/1).
     *
     * @throws IllegalStateException for floating point tensors (no silent truncation)
     */
    public long[] toLongArray() {
        int n = Math.toIntExact(numel());
        long[] r = new long[n];
        ByteBuffer b = data();
        switch (dtype) {
            case INT64 -> b.asLongBuffer().get(r);
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = b.getInt(i * 4);
                }
            }
            case INT16 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = b.getShort(i * 2);
                }
            }
            case INT8 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = b.get(i);
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    r[i] = b.get(i) & 0xff;
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    r[i] = b.get(i) != 0 ? 1 : 0;
                }
            }
            default -> throw new IllegalStateException(
                    "toLongArray() on a " + dtype + " tensor; use toFloatArray()/toDoubleArray()");
        }
        return r;
    }

    /** This tensor as FLOAT32 (itself if it already is). */
    public TensorData toFloat32() {
        return dtype == DType.FLOAT32 ? this : ofFloats(shape, toFloatArray());
    }

    /** A tensor sharing these values under another shape with the same element count. */
    public TensorData reshape(long... newShape) {
        if (numel(newShape) != numel()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to "
                    + Arrays.toString(newShape));
        }
        return new TensorData(dtype, newShape, data);
    }

    // ------------------------------------------------------------------ half precision helpers

    /** IEEE 754 binary16 bits to float (exact). */
    public static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Float to IEEE 754 binary16 bits, rounding to nearest even; overflow gives infinity. */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 112;
        if (e >= 31) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int hm = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (hm & 1) != 0)) {
                hm++;
            }
            return (short) (sign | hm);
        }
        int out = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (out & 1) != 0)) {
            out++;
        }
        return (short) (sign | out);
    }

    /** bfloat16 bits to float (exact). */
    public static float bfloat16ToFloat(short bf) {
        return Float.intBitsToFloat((bf & 0xffff) << 16);
    }

    /** Float to bfloat16 bits, rounding to nearest even. */
    public static short floatToBFloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    // ------------------------------------------------------------------ value semantics

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && t.data.equals(data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "TensorData[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
