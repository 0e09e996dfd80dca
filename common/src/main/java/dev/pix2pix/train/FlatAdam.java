package dev.pix2pix.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.nn.ParamStore;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (PyTorch's formulation, with bias correction) over one flat moment buffer per network: the
 * moment updates are a handful of kernels for the whole network instead of several per parameter,
 * which is what dominates a small-batch step on a GPU. Gradients are gathered by one concatenation;
 * the parameters are views of one buffer ({@link ParamStore#flatten()}), so the update is one subtraction.
 *
 * <p>On a CPU the same operations run over chunks of consecutive parameters of at most
 * {@link #CPU_CHUNK_ELEMENTS} values, each chunk's temporaries freed before the next: a temporary as large as
 * the network (167 MB for unet_128) is a fresh mmap that the kernel zero-fills page by page on every step,
 * while chunk-sized blocks are reused from malloc's heap. Same operations, same order: the same bits.
 */
public final class FlatAdam implements AutoCloseable {
    /**
     * Largest CPU chunk: below glibc's largest dynamic mmap threshold (32 MiB), so chunk temporaries come from
     * the heap once warmed up; a single larger parameter is a chunk of its own.
     */
    static final long CPU_CHUNK_ELEMENTS = 4L << 20;
    private final ParamStore store;
    private final NDArray flatParams;
    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private NDArray m;
    private NDArray v;
    private long t;
    /** Consecutive parameters updated together: [first, end) in trainable order, the values they span. */
    private final List<Chunk> chunks = new ArrayList<>();

    private record Chunk(int first, int end, NDArray params, NDArray m, NDArray v) {}

    public FlatAdam(ParamStore store, NDManager parent, double beta1, double beta2, double eps) {
        this(store, parent, beta1, beta2, eps, store.flat().getDevice().isGpu() ? Long.MAX_VALUE : CPU_CHUNK_ELEMENTS);
    }

    /** @param chunkElements most values per chunk (a larger single parameter is a chunk of its own) */
    FlatAdam(ParamStore store, NDManager parent, double beta1, double beta2, double eps, long chunkElements) {
        this.store = store;
        this.flatParams = store.flat();
        this.manager = parent.newSubManager();
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        long total = flatParams.getShape().size();
        m = manager.zeros(new Shape(total));
        v = manager.zeros(new Shape(total));
        long limit = chunkElements;
        List<NDArray> params = store.trainable();
        long off = 0;
        int first = 0;
        long size = 0;
        for (int i = 0; i < params.size(); i++) {
            size += params.get(i).getShape().size();
            long next = i + 1 < params.size() ? params.get(i + 1).getShape().size() : 0;
            if (i + 1 == params.size() || size + next > limit) {
                chunks.add(new Chunk(first, i + 1, slice(flatParams, off, size), slice(m, off, size), slice(v, off, size)));
                off += size;
                first = i + 1;
                size = 0;
            }
        }
    }

    /** A view of [off, off + n) of a flat buffer, owned by this optimizer (the whole buffer itself for one chunk). */
    private NDArray slice(NDArray flat, long off, long n) {
        if (off == 0 && n == flat.getShape().size()) {
            return flat;
        }
        NDArray view = flat.get(new NDIndex("{}:{}", off, off + n));
        view.attach(manager);
        return view;
    }

    /** Number of chunks a step updates separately (1 on a GPU). */
    int chunkCount() {
        return chunks.size();
    }

    public long steps() {
        return t;
    }

    /**
     * One update from the accumulated gradients, which are then dropped ({@link ParamStore#dropGradients}):
     * parameter arrays are replaced, so fetch them from the store after a step. Call with grad mode off.
     */
    public void step(NDManager scope, double lr) {
        List<NDArray> params = store.trainable();
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        for (Chunk c : chunks) {
            try (NDManager tmp = scope.newSubManager()) {
                NDList flat = new NDList(c.end() - c.first());
                for (NDArray p : params.subList(c.first(), c.end())) {
                    NDArray g = p.getGradient();
                    g.attach(tmp);
                    flat.add(g.reshape(-1));
                }
                NDArray g = flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat);
                g.attach(tmp);
                update(c, g, tmp, lr, bc1, bc2);
            }
        }
        store.dropGradients();
    }

    /** Adam on one chunk; every temporary goes with {@code tmp}. */
    private void update(Chunk c, NDArray g, NDManager tmp, double lr, double bc1, double bc2) {
        NDArray gm = g.mul(1 - beta1);
        gm.attach(tmp);
        c.m().muli(beta1).addi(gm);
        NDArray g2 = g.square();
        g2.attach(tmp);
        c.v().muli(beta2).addi(g2.muli(1 - beta2));
        NDArray denom = c.v().sqrt();
        denom.attach(tmp);
        denom.divi((float) Math.sqrt(bc2)).addi(eps);
        NDArray update = c.m().div(denom);
        update.attach(tmp);
        update.muli((float) (lr / bc1));
        c.params().subi(update); // every parameter of the chunk at once: they are views of this buffer
    }

    /**
     * Zeroes accumulated gradients without updating (e.g. after an auxiliary backward pass), keeping the
     * parameter arrays: a graph already built on them still accumulates into them.
     */
    public void zeroGradients() {
        store.zeroGradients();
    }

    /** The moments in the reference's parameter layout (see {@link ParamStore#flatToExchange}) and the step count. */
    public byte[] encode() {
        try (NDManager tmp = manager.newSubManager()) {
            NDArray step = tmp.create(new long[] {t});
            NDArray mOut = store.flatToExchange(m, tmp).toDevice(ai.djl.Device.cpu(), false);
            NDArray vOut = store.flatToExchange(v, tmp).toDevice(ai.djl.Device.cpu(), false);
            mOut.attach(tmp);
            vOut.attach(tmp);
            return new NDList(mOut, vOut, step).encode();
        }
    }

    public void decode(byte[] bytes) {
        try (NDManager tmp = manager.newSubManager()) {
            NDList list = NDList.decode(tmp, new ByteArrayInputStream(bytes));
            if (list.size() != 3 || !list.get(0).getShape().equals(m.getShape())) {
                throw new IllegalArgumentException("optimizer state does not fit this model (" + list.get(0).getShape()
                        + " vs " + m.getShape() + ")");
            }
            // into the existing storage (set(float[]) would pin a GC-freed direct buffer as storage)
            m.set(new NDIndex("..."), store.flatFromExchange(list.get(0).toDevice(m.getDevice(), false), tmp));
            v.set(new NDIndex("..."), store.flatFromExchange(list.get(1).toDevice(v.getDevice(), false), tmp));
            t = list.get(2).toLongArray()[0];
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
