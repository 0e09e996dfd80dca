package dev.pix2pix.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A network's parameters and buffers, keyed by the reference implementation's state-dict names
 * (e.g. {@code model.model.1.model.2.weight}) so checkpoints map one to one onto PyTorch files.
 * Owns its manager: closing the store frees every array.
 *
 * <p>Transposed-convolution weights are stored in {@link ConvTranspose}'s phase layout, which a step
 * uses as it is; everything that leaves or enters the store ({@link #stateDict}, {@link #encode},
 * {@link #load}, {@link #flatToExchange}) uses the reference's layout, so files do not depend on it.
 */
public final class ParamStore implements AutoCloseable {
    private static final NDIndex ALL = new NDIndex("...");
    private final NDManager manager;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    /** BatchNorm num_batches_tracked, kept on the Java side (only ever saved/loaded). */
    private final Map<String, Long> batchesTracked = new LinkedHashMap<>();
    private final Random init;
    /** Names of weights stored in ConvTranspose's phase layout rather than PyTorch's. */
    private final Set<String> phaseLayout = new HashSet<>();
    /** After {@link #flatten()}: every trainable parameter is a view into this, in registration order. */
    private NDArray flat;

    public ParamStore(NDManager parent, long seed) {
        this.manager = parent.newSubManager();
        this.init = new Random(seed);
    }

    public NDManager manager() {
        return manager;
    }

    /** Conv weight ~ N(0, 0.02), as the reference's init_weights('normal', 0.02). */
    public void addConv(String name, long outC, long inC, long k, boolean bias) {
        addTrainable(name + ".weight", gaussian(new Shape(outC, inC, k, k), 0, 0.02));
        if (bias) {
            addTrainable(name + ".bias", manager.zeros(new Shape(outC)));
        }
    }

    /**
     * Transposed conv weight, PyTorch shape [Cin, Cout, k, k] (drawn in that order, so a seed gives the same
     * weights as before). Kernel 4 (stride 2, padding 1: the U-Net's) is stored in phase layout; kernel 3
     * (stride 2, padding 1, output padding 1: the ResNet generator's) as PyTorch has it, see
     * {@link ConvTranspose#forwardKernel3}.
     */
    public void addConvTranspose(String name, long inC, long outC, long k, boolean bias) {
        if (k != 4 && k != 3) {
            throw new IllegalArgumentException("transposed convolutions have kernel 4 or 3, got " + k);
        }
        if (k == 3) {
            addTrainable(name + ".weight", gaussian(new Shape(inC, outC, 3, 3), 0, 0.02));
        } else {
            NDArray stored;
            try (NDManager tmp = manager.newSubManager()) {
                NDArray torchLayout = gaussian(new Shape(inC, outC, k, k), 0, 0.02);
                torchLayout.attach(tmp);
                stored = ConvTranspose.toPhaseLayout(torchLayout, tmp);
                stored.attach(manager); // the intermediates go with tmp; the storage lives on with this view
            }
            addTrainable(name + ".weight", stored);
            phaseLayout.add(name + ".weight");
        }
        if (bias) {
            addTrainable(name + ".bias", manager.zeros(new Shape(outC)));
        }
    }

    /** BatchNorm: gamma ~ N(1, 0.02), beta 0, running mean 0, running var 1. */
    public void addBatchNorm(String name, long c) {
        addTrainable(name + ".weight", gaussian(new Shape(c), 1, 0.02));
        addTrainable(name + ".bias", manager.zeros(new Shape(c)));
        buffers.put(name + ".running_mean", named(manager.zeros(new Shape(c)), name + ".running_mean"));
        buffers.put(name + ".running_var", named(manager.ones(new Shape(c)), name + ".running_var"));
        batchesTracked.put(name, 0L);
    }

    /**
     * Moves every trainable parameter into one contiguous buffer and makes each parameter a view of it
     * (still a leaf with its own gradient), so that an optimizer can update them all with one
     * operation instead of a few per parameter. Call once, after the last parameter is added.
     */
    public void flatten() {
        if (flat != null) {
            throw new IllegalStateException("parameters are already flat");
        }
        NDArray buf = manager.zeros(new Shape(countTrainable()));
        withoutGrad(() -> {
            long off = 0;
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                NDArray old = e.getValue();
                long n = old.getShape().size();
                NDArray slice = buf.get(new NDIndex("{}:{}", off, off + n));
                NDArray view = slice.reshape(old.getShape());
                slice.close();
                view.set(ALL, old);
                view.setRequiresGradient(true);
                e.setValue(named(view, e.getKey()));
                old.close();
                off += n;
            }
        });
        flat = buf;
    }

    /**
     * Converts every tensor to another floating-point type, for inference only (float16 on a GPU):
     * parameters stop requiring gradients and are no longer views of one buffer.
     */
    public void castTo(DataType type) {
        for (Map<String, NDArray> m : List.of(trainable, buffers)) {
            for (Map.Entry<String, NDArray> e : m.entrySet()) {
                NDArray old = e.getValue();
                NDArray cast = old.toType(type, true);
                cast.setRequiresGradient(false);
                e.setValue(named(cast, e.getKey()));
                old.close();
            }
        }
        if (flat != null) {
            flat.close();
            flat = null;
        }
    }

    /**
     * Gives every trainable parameter a fresh handle on the same storage, with no gradient: the next
     * backward then keeps each gradient as computed, where an existing zeroed one costs a fill and an add
     * per parameter (PyTorch's {@code zero_grad(set_to_none=True)}, which DJL cannot express). The arrays
     * returned by {@link #get} and {@link #trainable} before the call are closed.
     */
    public void dropGradients() {
        withoutGrad(() -> {
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                NDArray old = e.getValue();
                boolean requires = old.hasGradient();
                NDArray fresh = old.stopGradient(); // detach: a new leaf on the same storage (still a view of flat)
                fresh.setRequiresGradient(requires);
                e.setValue(named(fresh, e.getKey()));
                old.close();
            }
        });
    }

    /**
     * Zeroes the accumulated gradients in place, keeping the parameter arrays: a graph already built on them
     * (an auxiliary backward pass) still accumulates into them.
     */
    public void zeroGradients() {
        for (NDArray p : trainable.values()) {
            TorchEngine.zeroGrad(p);
        }
    }

    /** The buffer behind every trainable parameter (see {@link #flatten()}). */
    public NDArray flat() {
        if (flat == null) {
            throw new IllegalStateException("parameters are not flat");
        }
        return flat;
    }

    private void addTrainable(String name, NDArray a) {
        if (flat != null) {
            throw new IllegalStateException("cannot add " + name + " after flatten()");
        }
        if (trainable.containsKey(name)) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        a.setRequiresGradient(true);
        trainable.put(name, named(a, name));
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    private NDArray gaussian(Shape shape, double mean, double std) {
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + std * init.nextGaussian());
        }
        return HostUpload.floats(manager, v, shape);
    }

    public NDArray get(String name) {
        NDArray a = find(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public NDArray find(String name) {
        NDArray a = trainable.get(name);
        return a != null ? a : buffers.get(name);
    }

    void countBatch(String bnName) {
        batchesTracked.merge(bnName, 1L, Long::sum);
    }

    public List<NDArray> trainable() {
        return new ArrayList<>(trainable.values());
    }

    /** The trainable parameters as stored (transposed-convolution weights in phase layout). */
    public Map<String, NDArray> trainableByName() {
        return Collections.unmodifiableMap(trainable);
    }

    /** Every named tensor as stored, parameters then buffers. */
    private Map<String, NDArray> stored() {
        Map<String, NDArray> all = new LinkedHashMap<>(trainable);
        all.putAll(buffers);
        return all;
    }

    /**
     * Every named tensor in state-dict order (parameters, then buffers) and the reference's layout; converted
     * copies are owned by {@code scope}, the rest are the store's own arrays.
     */
    public Map<String, NDArray> stateDict(NDManager scope) {
        Map<String, NDArray> all = stored();
        withoutGrad(() -> all.replaceAll((name, a) -> {
            if (!phaseLayout.contains(name)) {
                return a;
            }
            return ConvTranspose.toTorchLayout(a, scope);
        }));
        return all;
    }

    /** The shape a tensor has in the reference's layout. */
    private Shape exchangeShape(String name, NDArray stored) {
        return phaseLayout.contains(name) ? ConvTranspose.torchShape(stored.getShape()) : stored.getShape();
    }

    /**
     * A vector laid out like {@link #flat()} (e.g. Adam's moments) in the reference's parameter layout, for
     * files; {@link #flatFromExchange} is its inverse.
     */
    public NDArray flatToExchange(NDArray vec, NDManager scope) {
        return relayout(vec, scope, true);
    }

    public NDArray flatFromExchange(NDArray vec, NDManager scope) {
        return relayout(vec, scope, false);
    }

    private NDArray relayout(NDArray vec, NDManager scope, boolean toExchange) {
        if (vec.getShape().size() != countTrainable()) {
            throw new IllegalArgumentException("a vector of " + vec.getShape().size() + " values does not fit "
                    + countTrainable() + " parameters");
        }
        NDArray[] out = new NDArray[1];
        withoutGrad(() -> {
            try (NDManager tmp = scope.newSubManager()) {
                NDList parts = new NDList(trainable.size());
                long off = 0;
                for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                    long n = e.getValue().getShape().size();
                    NDArray seg = vec.get(new NDIndex("{}:{}", off, off + n));
                    seg.attach(tmp);
                    if (phaseLayout.contains(e.getKey())) {
                        seg = toExchange
                                ? ConvTranspose.toTorchLayout(seg.reshape(e.getValue().getShape()), tmp)
                                : ConvTranspose.toPhaseLayout(seg.reshape(exchangeShape(e.getKey(), e.getValue())), tmp);
                        seg = seg.reshape(-1);
                    }
                    parts.add(seg);
                    off += n;
                }
                out[0] = NDArrays.concat(parts);
                out[0].attach(scope);
            }
        });
        return out[0];
    }

    private static void withoutGrad(Runnable r) {
        boolean grad = TorchEngine.gradMode();
        TorchEngine.gradMode(false);
        try {
            r.run();
        } finally {
            TorchEngine.gradMode(grad);
        }
    }

    public Map<String, Long> batchesTracked() {
        return Collections.unmodifiableMap(batchesTracked);
    }

    public long countTrainable() {
        long n = 0;
        for (NDArray a : trainable.values()) {
            n += a.getShape().size();
        }
        return n;
    }

    public void setRequiresGradient(boolean on) {
        for (NDArray a : trainable.values()) {
            a.setRequiresGradient(on);
        }
    }

    /** Serialises every tensor (and num_batches_tracked) with its name. */
    public byte[] encode() {
        try (NDManager tmp = manager.newSubManager()) {
            NDList list = new NDList();
            for (Map.Entry<String, NDArray> e : stateDict(tmp).entrySet()) {
                NDArray a = e.getValue().toDevice(ai.djl.Device.cpu(), false);
                a.setName(e.getKey());
                list.add(a);
            }
            for (Map.Entry<String, Long> e : batchesTracked.entrySet()) {
                NDArray c = tmp.create(new long[] {e.getValue()});
                c.setName(e.getKey() + ".num_batches_tracked");
                list.add(c);
            }
            return list.encode();
        }
    }

    /** Loads tensors written by {@link #encode()}; every name must match in name and shape. */
    public void decode(byte[] bytes) {
        try (NDManager tmp = manager.newSubManager()) {
            NDList list = NDList.decode(tmp, new ByteArrayInputStream(bytes));
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            load(byName);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable parameter file: " + e.getMessage(), e);
        }
    }

    /**
     * Copies values in, all or nothing: missing, extra or mis-shaped tensors are refused with the
     * key named before anything is written.
     */
    public void load(Map<String, NDArray> source) {
        Map<String, NDArray> target = stored();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            NDArray s = source.get(e.getKey());
            Shape expected = exchangeShape(e.getKey(), e.getValue());
            if (s == null) {
                problems.add("missing key " + e.getKey());
            } else if (!s.getShape().equals(expected)) {
                problems.add("shape mismatch for " + e.getKey() + ": file " + s.getShape() + ", model " + expected);
            }
        }
        for (String k : source.keySet()) {
            if (!target.containsKey(k) && !isBatchCounter(k)) {
                problems.add("unexpected key " + k);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("parameters do not fit this model: " + String.join("; ", problems));
        }
        // copied into the existing storage: NDArray.set(float[]) would swap in a direct buffer that
        // only the garbage collector frees (and would detach views of the array)
        // parameters are leaves that require grad: in-place only without autograd
        withoutGrad(() -> {
            for (Map.Entry<String, NDArray> e : target.entrySet()) {
                NDArray dst = e.getValue();
                NDArray src = source.get(e.getKey()).toType(DataType.FLOAT32, false).toDevice(dst.getDevice(), false);
                dst.set(ALL, phaseLayout.contains(e.getKey()) ? ConvTranspose.toPhaseLayout(src, src.getManager()) : src);
            }
        });
        for (String bn : batchesTracked.keySet()) {
            NDArray c = source.get(bn + ".num_batches_tracked");
            if (c != null) {
                batchesTracked.put(bn, c.toType(DataType.INT64, false).toLongArray()[0]);
            }
        }
    }

    private boolean isBatchCounter(String k) {
        return k.endsWith(".num_batches_tracked")
                && batchesTracked.containsKey(k.substring(0, k.length() - ".num_batches_tracked".length()));
    }

    @Override
    public void close() {
        manager.close();
    }
}
