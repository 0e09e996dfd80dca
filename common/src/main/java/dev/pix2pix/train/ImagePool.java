package dev.pix2pix.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference's ImagePool (Shrivastava et al.): the discriminator sees a history of generated images, not only
 * the latest. Until {@code size} images are stored each new one is stored and returned; then, per image, with
 * probability 1/2 a random stored image is returned and replaced by the new one, else the new one is returned.
 * Size 0 returns the input. Stored images are detached copies owned by the pool's manager: at most {@code size}
 * arrays live, whatever the run's length.
 */
public final class ImagePool implements AutoCloseable {
    private final int size;
    private final NDManager manager;
    private final long seed;
    /** Draws made so far: each draw's randomness comes from (seed, draw), so the state is this one number. */
    private long draws;
    private final List<NDArray> images = new ArrayList<>();

    public ImagePool(int size, NDManager parent, long seed) {
        this.size = size;
        this.manager = parent.newSubManager();
        this.seed = seed;
    }

    /** A batch [N, C, H, W] in, a batch of the same shape out (detached), owned by {@code scope}. */
    public NDArray query(NDArray batch, NDManager scope) {
        NDArray in = batch.stopGradient();
        if (size == 0) {
            return in;
        }
        long n = in.getShape().get(0);
        NDList out = new NDList();
        for (long i = 0; i < n; i++) {
            NDArray image = in.get(new NDIndex("{}:{}", i, i + 1));
            if (images.size() < size) {
                images.add(keep(image));
                out.add(image);
            } else if (draw().nextDouble() > 0.5) {
                int j = draw().nextInt(size);
                NDArray old = images.get(j);
                NDArray returned = old.duplicate();
                returned.attach(scope);
                old.close();
                images.set(j, keep(image));
                out.add(returned);
            } else {
                out.add(image);
            }
        }
        NDArray result = out.size() == 1 ? out.get(0) : NDArrays.concat(out, 0);
        result.attach(scope);
        return result;
    }

    private java.util.SplittableRandom draw() {
        return new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + draws++);
    }

    private NDArray keep(NDArray image) {
        NDArray copy = image.duplicate();
        copy.attach(manager);
        return copy;
    }

    /** The stored images and the draw counter, for a checkpoint: a resumed run draws as one that never stopped. */
    public byte[] encode() {
        try (java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeLong(draws);
            out.writeInt(images.size());
            for (NDArray a : images) {
                long[] shape = a.getShape().getShape();
                out.writeInt(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
                for (float v : a.toFloatArray()) {
                    out.writeFloat(v);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Restores {@link #encode}'s state; refuses anything else. */
    public void decode(byte[] state) {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(state))) {
            long d = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > size) {
                throw new IllegalArgumentException("image pool state holds " + n + " images, the pool " + size);
            }
            List<NDArray> restored = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int rank = in.readInt();
                if (rank != 4) {
                    throw new IllegalArgumentException("image pool state: an image of rank " + rank);
                }
                long[] shape = new long[rank];
                long count = 1;
                for (int k = 0; k < rank; k++) {
                    shape[k] = in.readLong();
                    count *= shape[k];
                }
                if (count <= 0 || count > (long) Integer.MAX_VALUE / 4) {
                    throw new IllegalArgumentException("image pool state: bad shape " + java.util.Arrays.toString(shape));
                }
                float[] v = new float[(int) count];
                for (int k = 0; k < v.length; k++) {
                    v[k] = in.readFloat();
                }
                restored.add(manager.create(v, new ai.djl.ndarray.types.Shape(shape)));
            }
            images.forEach(NDArray::close);
            images.clear();
            images.addAll(restored);
            draws = d;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an image pool's state: " + e, e);
        }
    }

    public int stored() {
        return images.size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
