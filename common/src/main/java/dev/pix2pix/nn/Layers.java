package dev.pix2pix.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import java.util.SplittableRandom;

/**
 * The functional layers the pix2pix networks are made of. Every result is owned by the pass's
 * manager: arrays derived from parameters are re-attached there, since DJL attaches a result to the
 * manager of its first operand.
 */
public final class Layers {
    static final float BN_EPS = 1e-5f;
    /** DJL's momentum is 1 - PyTorch's: this is PyTorch's default 0.1. */
    static final float DJL_BN_MOMENTUM = 0.9f;

    private Layers() {}

    public static NDArray conv(NDArray x, ParamStore p, String name, int stride, int pad) {
        NDArray w = p.get(name + ".weight");
        NDArray b = p.find(name + ".bias");
        return Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(pad, pad)).singletonOrThrow();
    }

    /** Kernel 4 (phase layout, stride 2, padding 1) or kernel 3 (PyTorch layout, stride 2, padding 1, output padding 1). */
    public static NDArray convTranspose(NDArray x, ParamStore p, String name, Pass pass) {
        NDArray w = p.get(name + ".weight");
        return w.getShape().get(3) == 3
                ? ConvTranspose.forwardKernel3(x, w, p.find(name + ".bias"), pass.manager())
                : ConvTranspose.forward(x, w, p.find(name + ".bias"), pass.manager());
    }

    /**
     * ReflectionPad2d(p) on [N, C, H, W]: rows 1..p mirrored above, H-1-p..H-2 below, then the same for the
     * columns (PyTorch's reflect mode, the edge not repeated). Slices, flips and concatenations, so it has a
     * gradient.
     */
    public static NDArray reflectPad(NDArray x, int p) {
        long h = x.getShape().get(2), w = x.getShape().get(3);
        if (p >= h || p >= w) {
            throw new IllegalArgumentException("reflection padding " + p + " needs sides over " + p + ", got " + w + "x" + h);
        }
        NDArray top = x.get(new NDIndex("..., 1:{}, :", p + 1)).flip(2);
        NDArray bottom = x.get(new NDIndex("..., {}:{}, :", h - 1 - p, h - 1)).flip(2);
        NDArray rows = top.concat(x, 2).concat(bottom, 2);
        NDArray left = rows.get(new NDIndex("..., 1:{}", p + 1)).flip(3);
        NDArray right = rows.get(new NDIndex("..., {}:{}", w - 1 - p, w - 1)).flip(3);
        return left.concat(rows, 3).concat(right, 3);
    }

    public static NDArray norm(NDArray x, ParamStore p, String name, Norm norm, Pass pass) {
        switch (norm) {
            case NONE:
                return x;
            case INSTANCE:
                return perSample(x, null, null, pass);
            case BATCH:
            default:
                NDArray gamma = p.get(name + ".weight");
                NDArray beta = p.get(name + ".bias");
                switch (pass.norm()) {
                    case PER_SAMPLE:
                        return perSample(x, gamma, beta, pass);
                    case RUNNING:
                        return BatchNorm.batchNorm(x, p.get(name + ".running_mean"), p.get(name + ".running_var"),
                                gamma, beta, -1, DJL_BN_MOMENTUM, BN_EPS, false).singletonOrThrow();
                    case TRAIN:
                    default:
                        p.countBatch(name);
                        return BatchNorm.batchNorm(x, p.get(name + ".running_mean"), p.get(name + ".running_var"),
                                gamma, beta, -1, DJL_BN_MOMENTUM, BN_EPS, true).singletonOrThrow();
                }
        }
    }

    /**
     * Normalises each image with its own statistics (instance norm, or batch norm as a batch of one
     * per image) by folding the batch into the channel axis: one kernel for the whole batch.
     */
    static NDArray perSample(NDArray x, NDArray gamma, NDArray beta, Pass pass) {
        Shape s = x.getShape();
        long n = s.get(0), c = s.get(1);
        NDManager m = pass.manager();
        NDArray folded = n == 1 ? x : x.reshape(1, n * c, s.get(2), s.get(3)); // one image: already folded
        DataType t = x.getDataType(); // float16 inference runs every tensor in half precision
        NDArray g = gamma == null ? m.ones(new Shape(n * c), t) : tiled(gamma, n, m);
        NDArray b = beta == null ? m.zeros(new Shape(n * c), t) : tiled(beta, n, m);
        NDArray[] running = pass.scratchRunningStats(n * c, t);
        NDArray y = BatchNorm.batchNorm(folded, running[0], running[1], g, b, -1, DJL_BN_MOMENTUM, BN_EPS, true)
                .singletonOrThrow();
        return n == 1 ? y : y.reshape(s);
    }

    /** A per-channel vector repeated for n images (no operation for one image). */
    private static NDArray tiled(NDArray v, long n, NDManager m) {
        return n == 1 ? v : attach(v.tile(n), m);
    }

    /**
     * @param seededMask this layer's mask from {@link #seededMasks} when the pass's dropout is
     *     {@link DropoutMode#SEEDED} (ignored otherwise)
     */
    public static NDArray dropout(NDArray x, NDArray seededMask, Pass pass) {
        switch (pass.dropout()) {
            case OFF:
                return x;
            case SEEDED:
                return x.mul(seededMask);
            case RANDOM:
            default:
                return Dropout.dropout(x, 0.5f, true).singletonOrThrow();
        }
    }

    /**
     * Dropout(0.5) masks (values 0 or 2) for several layers, each drawn from each item's seed and the
     * layer index alone, so an image's output does not depend on its batch. All are uploaded at once:
     * an upload from Java memory waits for the device, so one per pass rather than one per layer.
     *
     * @param shapes each layer's activation shape, batch first
     * @param layers each layer's index (part of the seed)
     * @return one mask per layer, views of one array in {@code type}
     */
    public static NDArray[] seededMasks(Shape[] shapes, int[] layers, long[] seeds, DataType type, NDManager m) {
        long total = 0;
        for (Shape s : shapes) {
            int n = (int) s.get(0);
            if (seeds == null || seeds.length != n) {
                throw new IllegalArgumentException("seeded dropout needs one seed per batch item, got "
                        + (seeds == null ? "none" : seeds.length) + " for " + n);
            }
            total += s.size();
        }
        float[] all = new float[Math.toIntExact(total)];
        int off = 0;
        for (int l = 0; l < shapes.length; l++) {
            int n = (int) shapes[l].get(0);
            int per = (int) (shapes[l].size() / n);
            for (int i = 0; i < n; i++) {
                SplittableRandom r = new SplittableRandom(seeds[i] * 0x9E3779B97F4A7C15L + layers[l]);
                for (int j = 0; j < per; j++) {
                    all[off++] = r.nextBoolean() ? 2f : 0f;
                }
            }
        }
        NDArray flat = HostUpload.floats(m, all, new Shape(total)).toType(type, false);
        NDArray[] masks = new NDArray[shapes.length];
        long start = 0;
        for (int l = 0; l < shapes.length; l++) {
            long len = shapes[l].size();
            masks[l] = flat.get(new NDIndex("{}:{}", start, start + len)).reshape(shapes[l]);
            start += len;
        }
        return masks;
    }

    private static NDArray attach(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }
}
