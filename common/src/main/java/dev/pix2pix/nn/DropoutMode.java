package dev.pix2pix.nn;

/** How dropout layers behave in a forward pass. */
public enum DropoutMode {
    /** Engine-random masks (training). */
    RANDOM,
    /** Masks drawn from each item's own seed: deterministic whatever the batch (test-time noise). */
    SEEDED,
    /** Identity (eval mode). */
    OFF
}
