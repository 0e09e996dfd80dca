package dev.pix2pix.train;

/**
 * When a training loop reports progress and what it says: every two seconds and at each epoch's end, with the
 * speed as a moving average of iteration times and the remaining iterations extrapolated from this epoch's
 * length. Shared by the pix2pix and CycleGAN loops so their progress events mean the same.
 */
final class ProgressMeter {
    static final long EVERY_MILLIS = 2000;

    private final int batch;
    private long lastReport = System.currentTimeMillis();
    private double emaSecondsPerIt = -1;

    ProgressMeter(int batch) {
        this.batch = batch;
    }

    /**
     * One iteration done.
     *
     * @param seconds this iteration's wall time (with the wait for the next batch)
     * @param it its index in the epoch (from 0)
     * @param more whether the epoch has another batch
     * @param done iterations of the whole run so far
     * @param iterationsPerEpoch the loader's count so far
     * @return the progress to report now, or null
     */
    TrainListener.Progress iteration(double seconds, int epoch, int totalEpochs, long it, boolean more, long done,
            long iterationsPerEpoch) {
        emaSecondsPerIt = emaSecondsPerIt < 0 ? seconds : 0.9 * emaSecondsPerIt + 0.1 * seconds;
        long now = System.currentTimeMillis();
        if (now - lastReport < EVERY_MILLIS && more) {
            return null;
        }
        lastReport = now;
        long perEpoch = Math.max(it + 1, iterationsPerEpoch);
        // before every entry was seen once, unknown entries count as usable
        long totalIterations = Math.max(done, done - (it + 1) + perEpoch * (totalEpochs - epoch + 1));
        return new TrainListener.Progress(epoch, totalEpochs, it + 1, more ? perEpoch : it + 1, done, totalIterations,
                batch / emaSecondsPerIt, (totalIterations - done) * emaSecondsPerIt);
    }
}
