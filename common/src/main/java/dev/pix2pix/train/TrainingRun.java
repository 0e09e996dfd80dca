package dev.pix2pix.train;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * A training run of either model (pix2pix's {@link Trainer}, {@link CycleGanTrainer}) as its callers drive it:
 * run to the end or until stopped, with the same events, results and checkpoint state.
 */
public interface TrainingRun extends AutoCloseable {
    /** Trains to the end, or until {@code stop} answers true between iterations (then checkpoints: STOPPED). */
    Trainer.Result run(TrainListener listener, BooleanSupplier stop) throws IOException, InterruptedException;

    /** Where the run is: epoch, iteration and the options in effect. */
    RunState state();

    @Override
    void close();
}
