package dev.pix2pix.train;

import java.nio.file.Path;
import java.util.Map;

/** Receives a training run's progress; every method has a do-nothing default. */
public interface TrainListener {
    /** At most every couple of seconds, and at each epoch's end. */
    default void progress(Progress p) {}

    default void epoch(EpochStats e) {}

    default void checkpoint(int epoch, long iteration, Path dir) {}

    default void warning(String message) {}

    /**
     * @param epoch 1-based epoch in progress
     * @param iterationInEpoch iterations done in this epoch
     * @param iterationsPerEpoch iterations per epoch
     * @param iteration iterations done in the whole run
     * @param totalIterations iterations of the whole run
     * @param imagesPerSecond recent throughput
     * @param etaSeconds estimated time to the end of the run
     */
    record Progress(int epoch, int totalEpochs, long iterationInEpoch, long iterationsPerEpoch, long iteration,
            long totalIterations, double imagesPerSecond, double etaSeconds) {}

    /**
     * @param losses epoch means of G_GAN, G_L1, D_real, D_fake (and G_L2, R1 when on)
     * @param seconds wall time of the epoch
     */
    record EpochStats(int epoch, int totalEpochs, Map<String, Double> losses, double seconds, double lr) {}
}
