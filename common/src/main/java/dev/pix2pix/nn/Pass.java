package dev.pix2pix.nn;

import ai.djl.ndarray.NDManager;

/**
 * One forward pass's context: the manager that owns every intermediate array (closed after the
 * step so native memory never grows), and how norm and dropout layers behave.
 *
 * @param manager owns all intermediates of the pass
 * @param norm batch-norm statistics mode
 * @param dropout dropout behaviour
 * @param itemSeeds per-item seeds for {@link DropoutMode#SEEDED}, one per batch element
 */
public record Pass(NDManager manager, NormMode norm, DropoutMode dropout, long[] itemSeeds) {
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
}
