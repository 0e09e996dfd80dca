package dev.pix2pix.pth;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An ordered map from parameter/buffer name (PyTorch state-dict key, e.g.
 * {@code model.model.1.model.2.running_mean}) to {@link TensorData}. Insertion order is kept, so
 * a file read and written back lists its tensors in the same order as {@code module.state_dict()}.
 *
 * <p>Not thread-safe (like {@link LinkedHashMap}).
 */
public final class StateDict implements Iterable<Map.Entry<String, TensorData>> {

    private final LinkedHashMap<String, TensorData> tensors = new LinkedHashMap<>();

    public StateDict() {
    }

    /** A copy of {@code entries}, keeping their iteration order. */
    public StateDict(Map<String, TensorData> entries) {
        entries.forEach(this::put);
    }

    /** Adds or replaces a tensor; a replaced key keeps its original position. */
    public StateDict put(String name, TensorData tensor) {
        tensors.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(tensor, "tensor"));
        return this;
    }

    /** The tensor or {@code null}. */
    public TensorData get(String name) {
        return tensors.get(name);
    }

    /** The tensor, or a {@link NoSuchElementException} naming the missing key. */
    public TensorData require(String name) {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new NoSuchElementException("state dict has no tensor '" + name + "' (it has "
                    + tensors.size() + " keys" + (tensors.isEmpty() ? "" : ", first '"
                    + tensors.keySet().iterator().next() + "'") + ")");
        }
        return t;
    }

    public boolean containsKey(String name) {
        return tensors.containsKey(name);
    }

    public TensorData remove(String name) {
        return tensors.remove(name);
    }

    public int size() {
        return tensors.size();
    }

    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /** The keys in order (read-only view). */
    public Set<String> keys() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** The entries in order (read-only view). */
    public Map<String, TensorData> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    @Override
    public Iterator<Map.Entry<String, TensorData>> iterator() {
        return asMap().entrySet().iterator();
    }

    /**
     * A new state dict holding only the keys that start with {@code prefix}, with the prefix cut
     * off (e.g. {@code "module."} left by {@code nn.DataParallel}). Order is kept.
     */
    public StateDict withPrefixRemoved(String prefix) {
        StateDict r = new StateDict();
        tensors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                r.put(k.substring(prefix.length()), v);
            }
        });
        return r;
    }

    /** A new state dict with {@code prefix} put before every key. Order is kept. */
    public StateDict withPrefixAdded(String prefix) {
        StateDict r = new StateDict();
        tensors.forEach((k, v) -> r.put(prefix + k, v));
        return r;
    }

    /** Total number of elements over all tensors. */
    public long totalElements() {
        long n = 0;
        for (TensorData t : tensors.values()) {
            n += t.numel();
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        // order matters for a state dict read back from a file, so compare as lists
        if (!(o instanceof StateDict s) || s.tensors.size() != tensors.size()) {
            return false;
        }
        Iterator<Map.Entry<String, TensorData>> a = tensors.entrySet().iterator();
        Iterator<Map.Entry<String, TensorData>> b = s.tensors.entrySet().iterator();
        while (a.hasNext()) {
            if (!a.next().equals(b.next())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return "StateDict" + tensors;
    }
}
