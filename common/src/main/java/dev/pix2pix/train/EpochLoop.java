package dev.pix2pix.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.model.LossLog;
import dev.pix2pix.nn.TorchEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The epochs and iterations of a training run, for both trainers. It owns the run's position ({@link RunState})
 * and decides once where a resumed run starts, what each iteration's random draws are seeded from, when progress
 * is reported, the epoch's loss means and loss-log line, when to checkpoint, and how a stop ends the run. The
 * trainer gives the step and what to write.
 */
final class EpochLoop {
    /** What a trainer does inside the loop. */
    interface Body {
        /** One optimisation step on {@code batch}; adds its losses, in the loop's loss order, to {@code acc}. */
        void step(BatchLoader.Batch batch, int epoch, long iteration, double lr, NDArray acc);

        /** Writes a checkpoint of the networks and {@link EpochLoop#state()}. */
        Path checkpoint() throws IOException;

        /** Writes the model folder once the last epoch is done. */
        void publish() throws IOException;

        /** The error when a whole epoch, from its start, had no usable batch. */
        String nothingUsable();
    }

    private final NDManager manager;
    private final Path outDir;
    private final List<String> lossNames;
    private RunState state;

    /** @param lossNames what a step adds to its accumulator, in order: the epoch means' names */
    EpochLoop(RunState state, NDManager manager, Path outDir, List<String> lossNames) {
        this.state = state;
        this.manager = manager;
        this.outDir = outDir;
        this.lossNames = List.copyOf(lossNames);
    }

    /** Where the run is: the next epoch and iteration to train, and the iterations done. */
    RunState state() {
        return state;
    }

    List<String> lossNames() {
        return lossNames;
    }

    /**
     * Trains from {@link #state()} to the last epoch, or until {@code stop} answers true between iterations or
     * epochs (then checkpoints and returns STOPPED); publishes at the end.
     */
    Trainer.Result run(BatchLoader loader, Body body, TrainListener listener, BooleanSupplier stop)
            throws IOException, InterruptedException {
        TrainOptions o = state.options();
        int total = o.totalEpochs();
        // grad mode is per thread in PyTorch and DJL switches it off only on the engine's loading thread;
        // on any other thread in-place parameter updates would be recorded (and refused)
        TorchEngine.gradMode(false);
        Path lastCheckpoint = null;
        Map<String, Double> lastLosses = Map.of();
        ProgressMeter meter = new ProgressMeter(o.batch());
        // one accumulator for the whole run (zeroed each epoch), so the live array count is constant
        try (NDArray acc = manager.zeros(new Shape(lossNames.size())); NDArray accZero = manager.zeros(acc.getShape())) {
            for (int epoch = state.epoch(); epoch <= total; epoch++) {
                long startIt = epoch == state.epoch() ? state.iterationInEpoch() : 0;
                loader.startEpoch(epoch, startIt);
                double lr = o.learningRate(epoch);
                long epochStart = System.nanoTime();
                // in place from an array: set(float[]) would pin a GC-freed direct buffer, set(index, 0f) leaks a scalar
                acc.set(new NDIndex("..."), accZero);
                long counted = 0;
                // batches are counted as they come: entries found unusable on the way are left out
                for (long it = startIt; ; it++) {
                    long t0 = System.nanoTime();
                    BatchLoader.Batch b = loader.take();
                    if (b == null) {
                        break;
                    }
                    // dropout (and any other draw of the step) from (seed, epoch, iteration) alone: a run stopped
                    // and resumed anywhere trains exactly as one that never stopped
                    Engine.getInstance().setRandomSeed((int) (o.seed() * 7919 + epoch * 104729L + it));
                    body.step(b, epoch, it, lr, acc);
                    loader.release(b); // uploaded: its arrays can hold a later batch
                    counted++;
                    state = new RunState(state.spec(), o, state.data(), epoch, it + 1, state.iteration() + 1,
                            state.codeVersion());
                    boolean more = loader.hasMore(); // waits for the next batch: that wait is this iteration's
                    TrainListener.Progress p = meter.iteration((System.nanoTime() - t0) / 1e9, epoch, total, it, more,
                            state.iteration(), loader.iterationsPerEpoch());
                    if (p != null) {
                        listener.progress(p);
                    }
                    if (more && stop.getAsBoolean()) {
                        lastCheckpoint = body.checkpoint();
                        listener.checkpoint(epoch, state.iteration(), lastCheckpoint);
                        return result(Trainer.Outcome.STOPPED, epoch, lastCheckpoint, lastLosses);
                    }
                }
                if (counted == 0 && startIt == 0) {
                    throw new IllegalStateException(body.nothingUsable());
                }
                lastLosses = means(acc, counted);
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                LossLog.append(outDir, new LossLog.Entry(epoch, lastLosses, seconds, lr));
                listener.epoch(new TrainListener.EpochStats(epoch, total, lastLosses, seconds, lr));
                state = new RunState(state.spec(), o, state.data(), epoch + 1, 0, state.iteration(), state.codeVersion());
                boolean last = epoch == total;
                if (epoch % o.checkpointEvery() == 0 || last || stop.getAsBoolean()) {
                    lastCheckpoint = body.checkpoint();
                    listener.checkpoint(epoch, state.iteration(), lastCheckpoint);
                }
                if (!last && stop.getAsBoolean()) {
                    return result(Trainer.Outcome.STOPPED, epoch, lastCheckpoint, lastLosses);
                }
            }
        }
        body.publish();
        return result(Trainer.Outcome.COMPLETED, total, lastCheckpoint, lastLosses);
    }

    private Trainer.Result result(Trainer.Outcome outcome, int epoch, Path checkpoint, Map<String, Double> losses) {
        return new Trainer.Result(outcome, epoch, state.iteration(), outDir, checkpoint, losses);
    }

    private Map<String, Double> means(NDArray acc, long counted) {
        float[] v = acc.toFloatArray();
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < lossNames.size(); i++) {
            m.put(lossNames.get(i), counted == 0 ? 0 : v[i] / (double) counted);
        }
        return m;
    }
}
