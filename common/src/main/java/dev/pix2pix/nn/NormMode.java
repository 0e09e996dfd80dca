package dev.pix2pix.nn;

/** How batch-norm layers get their statistics in a forward pass. */
public enum NormMode {
    /** Batch statistics of the whole batch, running averages updated (training). */
    TRAIN,
    /**
     * pix2pix test-time behaviour: statistics of each image alone, running averages untouched, so an
     * image's output does not depend on the batch it lands in (equals the reference's batch-1 test).
     */
    PER_SAMPLE,
    /** Classic eval mode: the stored running averages. */
    RUNNING
}
