package dev.pix2pix.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.nn.ParamStore;
import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * Adam (PyTorch's formulation, with bias correction) over one flat moment buffer per network: the
 * moment updates are a handful of kernels for the whole network instead of several per parameter,
 * which is what dominates a small-batch step on a GPU. Gradients are gathered by one concatenation;
 * the parameters are views of one buffer ({@link ParamStore#flatten()}), so the update is one subtraction.
 */
public final class FlatAdam implements AutoCloseable {
    private final ParamStore store;
    private final NDArray flatParams;
    private final NDManager manager;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private NDArray m;
    private NDArray v;
    private long t;

    public FlatAdam(ParamStore store, NDManager parent, double beta1, double beta2, double eps) {
        this.store = store;
        this.flatParams = store.flat();
        this.manager = parent.newSubManager();
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        long total = flatParams.getShape().size();
        m = manager.zeros(new Shape(total));
        v = manager.zeros(new Shape(total));
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
        NDList flat = new NDList(params.size());
        for (NDArray p : params) {
            NDArray g = p.getGradient();
            g.attach(scope);
            flat.add(g.reshape(-1));
        }
        NDArray g = NDArrays.concat(flat);
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.square().muli(1 - beta2));
        NDArray denom = v.sqrt();
        denom.attach(scope);
        denom.divi((float) Math.sqrt(bc2)).addi(eps);
        NDArray update = m.div(denom);
        update.attach(scope);
        update.muli((float) (lr / bc1));
        flatParams.subi(update); // every parameter at once: they are views of this buffer
        store.dropGradients();
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
