package dev.pix2pix.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
    private final Random random;
    private final List<NDArray> images = new ArrayList<>();

    public ImagePool(int size, NDManager parent, long seed) {
        this.size = size;
        this.manager = parent.newSubManager();
        this.random = new Random(seed);
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
            } else if (random.nextDouble() > 0.5) {
                int j = random.nextInt(size);
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

    private NDArray keep(NDArray image) {
        NDArray copy = image.duplicate();
        copy.attach(manager);
        return copy;
    }

    public int stored() {
        return images.size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
