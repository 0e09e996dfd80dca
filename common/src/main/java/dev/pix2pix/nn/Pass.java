package dev.pix2pix.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * One forward pass's context: the manager that owns every intermediate array (closed after the
 * step so native memory never grows), and how norm and dropout layers behave. Confined to the
 * thread that runs the pass.
 */
public final class Pass {
    private final NDManager manager;
    private final NormMode norm;
    private final DropoutMode dropout;
    private final long[] itemSeeds;
    private final Map<String, NDArray[]> scratchStats = new HashMap<>();

    /**
     * @param manager owns all intermediates of the pass
     * @param norm batch-norm statistics mode
     * @param dropout dropout behaviour
     * @param itemSeeds per-item seeds for {@link DropoutMode#SEEDED}, one per batch element
     */
    public Pass(NDManager manager, NormMode norm, DropoutMode dropout, long[] itemSeeds) {
        this.manager = manager;
        this.norm = norm;
        this.dropout = dropout;
        this.itemSeeds = itemSeeds;
    }

    public static Pass train(NDManager m) {
        return new Pass(m, NormMode.TRAIN, DropoutMode.RANDOM, null);
    }

    /** pix2pix test-time mode: dropout on (seeded per item), per-image statistics. */
    public static Pass testTime(NDManager m, long[] itemSeeds) {
        return new Pass(m, NormMode.PER_SAMPLE, DropoutMode.SEEDED, itemSeeds);
    }

    public static Pass eval(NDManager m) {
        return new Pass(m, NormMode.RUNNING, DropoutMode.OFF, null);
    }

    public NDManager manager() {
        return manager;
    }

    public NormMode norm() {
        return norm;
    }

    public DropoutMode dropout() {
        return dropout;
    }

    public long[] itemSeeds() {
        return itemSeeds;
    }

    /**
     * Running mean and variance (zeros, ones) of {@code length} values for a batch norm that uses batch
     * statistics: DJL's batch norm requires them, writes into them and nothing reads them, so layers of one
     * pass share them instead of creating two arrays each.
     */
    NDArray[] scratchRunningStats(long length, DataType type) {
        return scratchStats.computeIfAbsent(length + ":" + type, k -> new NDArray[] {
            manager.zeros(new Shape(length), type), manager.ones(new Shape(length), type)});
    }
}
