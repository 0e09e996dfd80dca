package dev.pix2pix.data;

import java.util.Random;

/**
 * What the trainer consumes: a fixed list of entries, each turned into a sample on demand (from any
 * thread, in any order). Jitter comes from the {@link Random} the caller passes, seeded by the
 * caller from (seed, epoch, index), so the same sample comes back for the same seed however many
 * threads prepare samples and in whatever order. Opening a set lists its entries only; an entry that
 * turns out unusable when it is first prepared throws {@link UnusableSample} every time it is asked
 * for (and is reported once). A second kind of set (e.g. unaligned A/B sets, whose sample pairs
 * entry i of A with a B drawn from {@code rnd}) plugs into the same streaming loader.
 */
public interface TrainingSet extends AutoCloseable {
    /** Entries listed when the set was opened (the unusable ones included). */
    int size();

    String name(int index);

    /** Channels of a sample's input and target. */
    int inputChannels();

    int targetChannels();

    /** The geometry samples follow (also what a cache of the set is keyed by). */
    Preprocessing preprocessing();

    /** Entry {@code index} with its jitter drawn from {@code rnd}, normalised to [-1, 1]. */
    Sample sample(int index, Random rnd) throws UnusableSample;

    /**
     * Whether the entry is usable, preparing it if that is not known yet (cheaper than a sample
     * when the answer is known: a resumed run skips the batches already trained this way).
     */
    default boolean usable(int index) {
        try {
            sample(index, new Random(0));
            return true;
        } catch (UnusableSample e) {
            return false;
        }
    }

    /** Entries found unusable so far, and how many entries are known to be usable. */
    DataReport report();

    @Override
    default void close() {}
}
