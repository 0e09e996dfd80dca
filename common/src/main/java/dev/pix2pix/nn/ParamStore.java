package dev.pix2pix.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A network's parameters and buffers, keyed by the reference implementation's state-dict names
 * (e.g. {@code model.model.1.model.2.weight}) so checkpoints map one to one onto PyTorch files.
 * Owns its manager: closing the store frees every array.
 */
public final class ParamStore implements AutoCloseable {
    private static final NDIndex ALL = new NDIndex("...");
    private final NDManager manager;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    /** BatchNorm num_batches_tracked, kept on the Java side (only ever saved/loaded). */
    private final Map<String, Long> batchesTracked = new LinkedHashMap<>();
    private final Random init;
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

    /** Transposed conv weight in PyTorch layout [Cin, Cout, k, k]. */
    public void addConvTranspose(String name, long inC, long outC, long k, boolean bias) {
        addTrainable(name + ".weight", gaussian(new Shape(inC, outC, k, k), 0, 0.02));
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
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
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
        } finally {
            JniUtils.setGradMode(grad);
        }
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

    public Map<String, NDArray> trainableByName() {
        return Collections.unmodifiableMap(trainable);
    }

    /** Every named tensor in state-dict order (parameters, then buffers). */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> all = new LinkedHashMap<>(trainable);
        all.putAll(buffers);
        return all;
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
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> e : stateDict().entrySet()) {
            NDArray a = e.getValue().toDevice(ai.djl.Device.cpu(), false);
            a.setName(e.getKey());
            list.add(a);
        }
        try (NDManager tmp = manager.newSubManager()) {
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
        Map<String, NDArray> target = stateDict();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : target.entrySet()) {
            NDArray s = source.get(e.getKey());
            if (s == null) {
                problems.add("missing key " + e.getKey());
            } else if (!s.getShape().equals(e.getValue().getShape())) {
                problems.add("shape mismatch for " + e.getKey() + ": file " + s.getShape() + ", model "
                        + e.getValue().getShape());
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
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // parameters are leaves that require grad: in-place only without autograd
        try {
            for (Map.Entry<String, NDArray> e : target.entrySet()) {
                NDArray dst = e.getValue();
                NDArray src = source.get(e.getKey()).toType(DataType.FLOAT32, false).toDevice(dst.getDevice(), false);
                dst.set(ALL, src);
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
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
