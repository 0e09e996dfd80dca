package dev.pix2pix.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.pix2pix.data.DataReport;
import dev.pix2pix.data.Preprocessing;
import dev.pix2pix.data.TrainingSet;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.PatchDiscriminator;
import dev.pix2pix.model.Generator;
import dev.pix2pix.nn.HostUpload;
import dev.pix2pix.nn.Pass;
import dev.pix2pix.nn.Scalars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The pix2pix training loop (the reference's optimize_parameters): G forward; D step on real and
 * detached fake pairs with its objective halved; G step on the GAN term (D frozen) plus lambda-weighted
 * L1/L2. Every iteration's arrays live in one sub-manager closed at the end of the iteration, so
 * native memory stays flat over long runs.
 */
public final class Trainer implements TrainingRun {
    /** How a run ended. */
    public enum Outcome { COMPLETED, STOPPED }

    /** @param checkpoint latest checkpoint written (null if none) */
    public record Result(Outcome outcome, int epoch, long iteration, Path modelDir, Path checkpoint,
            Map<String, Double> lastLosses) {}


    private final NDManager manager;
    private final Generator g;
    private final PatchDiscriminator d;
    private final FlatAdam optG;
    private final FlatAdam optD;
    private final TrainingSet data;
    private final Path outDir;
    private int loaderThreads;
    private final EpochLoop loop;

    private Trainer(RunState state, TrainingSet data, Path outDir, Device device, Checkpoints.Contents restore) {
        if (data != null) {
            checkData(state, data);
        }
        this.data = data;
        this.outDir = outDir;
        ModelSpec spec = state.spec();
        TrainOptions o = state.options();
        this.manager = NDManager.newBaseManager(device);
        this.g = Generator.create(spec, manager, o.seed());
        boolean gan = !o.gan().equals("none");
        this.d = gan ? new PatchDiscriminator(spec, manager, o.seed() + 1) : null;
        this.optG = new FlatAdam(g.params(), manager, o.beta1(), 0.999, 1e-8);
        this.optD = gan ? new FlatAdam(d.params(), manager, o.beta1(), 0.999, 1e-8) : null;
        if (restore != null) {
            g.params().decode(restore.g());
            optG.decode(restore.optG());
            if (d != null) {
                if (restore.d() == null) {
                    throw new IllegalArgumentException("checkpoint has no discriminator but the run needs one");
                }
                d.params().decode(restore.d());
                optD.decode(restore.optD());
            }
        }
        List<String> lossNames = new ArrayList<>(List.of("G_GAN", "G_L1", "D_real", "D_fake"));
        if (o.lambdaL2() > 0) {
            lossNames.add("G_L2");
        }
        if (o.r1Gamma() > 0) {
            lossNames.add("R1");
        }
        this.loop = new EpochLoop(state, manager, outDir, lossNames);
    }

    /** The set must be opened with the run's preprocessing and channels: it decides the samples. */
    private static void checkData(RunState s, TrainingSet data) {
        Preprocessing want = s.options().preprocessing(s.spec().sizeMultiple());
        if (!want.equals(data.preprocessing())) {
            throw new IllegalArgumentException("the training set was opened with " + data.preprocessing()
                    + " but the run uses " + want);
        }
        if (data.inputChannels() != s.spec().inputNc() || data.targetChannels() != s.spec().outputNc()) {
            throw new IllegalArgumentException("the training set gives " + data.inputChannels() + " -> "
                    + data.targetChannels() + " channels, the model maps " + s.spec().inputNc() + " -> "
                    + s.spec().outputNc());
        }
    }

    /** A new run; refuses a folder that already holds checkpoints (use resume). */
    public static Trainer start(ModelSpec spec, TrainOptions options, DataSpec dataSpec, TrainingSet data, Path outDir,
            Device device) throws IOException {
        if (Checkpoints.latest(outDir).isPresent()) {
            throw new IllegalStateException(outDir + " already holds checkpoints of a run: resume it or choose another folder");
        }
        Files.createDirectories(outDir);
        RunState s = new RunState(spec, options, dataSpec, 1, 0, 0, CodeVersion.get());
        return new Trainer(s, data, outDir, device, null);
    }

    /** A trainer on synthetic data, for benchmarks: drive it with {@link #benchStep}. */
    public static Trainer forBenchmark(ModelSpec spec, TrainOptions options, Device device) {
        RunState s = new RunState(spec, options, new DataSpec("aligned", "AtoB", "synthetic"), 1, 0, 0, CodeVersion.get());
        return new Trainer(s, null, null, device, null);
    }

    /** One full training iteration (D and G steps) on the given batch; blocks until the losses are read. */
    public float[] benchStep(float[] input, float[] target, int n) {
        dev.pix2pix.nn.TorchEngine.gradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            NDArray acc = scope.zeros(new Shape(loop.lossNames().size()));
            TrainOptions o = loop.state().options();
            step(new BatchLoader.Batch(n, o.size(), o.size(), input, target), o.lr(), d == null, acc);
            return acc.toFloatArray();
        }
    }

    /** Latest checkpoint's run state of a folder, if any. */
    public static Optional<RunState> checkpointState(Path outDir) throws IOException {
        Optional<Path> latest = Checkpoints.latest(outDir);
        // the state alone: a CycleGAN checkpoint has other parts, the same state file
        return latest.isPresent() ? Optional.of(Checkpoints.readState(latest.get())) : Optional.empty();
    }

    /**
     * Continues from the folder's latest checkpoint at its exact epoch and iteration.
     *
     * @param options the checkpoint's options, possibly with more epochs (see {@link #resumableOptions})
     */
    public static Trainer resume(Path outDir, TrainOptions options, TrainingSet data, Device device) throws IOException {
        Path cp = Checkpoints.latest(outDir)
                .orElseThrow(() -> new IllegalStateException(outDir + " has no checkpoint to resume from"));
        Checkpoints.Contents c = Checkpoints.read(cp);
        RunState s = c.state();
        RunState resumed = new RunState(s.spec(), options, s.data(), s.epoch(), s.iterationInEpoch(), s.iteration(),
                CodeVersion.get());
        return new Trainer(resumed, data, outDir, device, c);
    }

    /**
     * The options a resumed run may use: the checkpoint's, with epoch counts possibly extended.
     * Anything else that differs is refused by name.
     */
    public static TrainOptions resumableOptions(RunState saved, ModelSpec requestedSpec, Integer epochs, Integer decay) {
        if (requestedSpec != null && !requestedSpec.equals(saved.spec())) {
            throw new IllegalArgumentException("architecture differs from the checkpoint's: checkpoint " + saved.spec()
                    + ", asked " + requestedSpec);
        }
        TrainOptions o = saved.options();
        int e = epochs == null ? o.epochs() : epochs;
        int dcy = decay == null ? o.epochsDecay() : decay;
        if (e < o.epochs() && saved.epoch() > o.pretrainL1Epochs() + e) {
            throw new IllegalArgumentException("cannot shrink --epochs below the epoch already reached");
        }
        return o.withEpochs(e, dcy);
    }

    /** Native arrays alive under this trainer (parameters, optimizer state, anything leaked). */
    public int liveArrays() {
        return ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
    }

    @Override
    public RunState state() {
        return loop.state();
    }

    public Generator generator() {
        return g;
    }

    /** Threads that prepare batches (0, the default: one per core). */
    public Trainer loaderThreads(int threads) {
        this.loaderThreads = threads;
        return this;
    }

    /** Trains to the end, or until {@code stop} answers true (then checkpoints and returns STOPPED). */
    @Override
    public Result run(TrainListener listener, BooleanSupplier stop) throws IOException, InterruptedException {
        TrainOptions o = loop.state().options();
        try (BatchLoader loader = new BatchLoader(data, o.seed(), o.batch(), o.serialBatches(), loaderThreads)) {
            return loop.run(loader, new EpochLoop.Body() {
                @Override
                public void step(BatchLoader.Batch batch, int epoch, long iteration, double lr, NDArray acc) {
                    Trainer.this.step(batch, lr, o.isPretrainEpoch(epoch) || d == null, acc);
                }

                @Override
                public Path checkpoint() throws IOException {
                    return Trainer.this.checkpoint(o);
                }

                @Override
                public void publish() throws IOException {
                    Trainer.this.publish();
                }

                @Override
                public String nothingUsable() {
                    DataReport r = data.report();
                    return "no usable training pairs: all " + r.listed() + " entries were skipped"
                            + (r.skipped().isEmpty() ? "" : " (first: " + r.skipped().get(0).getMessage() + ")");
                }
            }, listener, stop);
        }
    }

    private void step(BatchLoader.Batch b, double lr, boolean pretrain, NDArray acc) {
        ModelSpec spec = loop.state().spec();
        TrainOptions o = loop.state().options();
        try (NDManager step = manager.newSubManager()) {
            NDArray real = HostUpload.floats(step, b.input(), new Shape(b.size(), spec.inputNc(), b.height(), b.width()));
            NDArray target = HostUpload.floats(step, b.target(), new Shape(b.size(), spec.outputNc(), b.height(), b.width()));
            Pass pass = Pass.train(step);
            NDArray zero = step.zeros(new Shape());
            NDArray fake;
            NDArray dReal = zero;
            NDArray dFake = zero;
            NDArray r1 = zero;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                fake = g.forward(real, pass);
                if (!pretrain) {
                    d.params().setRequiresGradient(true);
                    if (o.r1Gamma() > 0) {
                        r1 = r1Penalty(real, target, pass, step, o.r1Gamma());
                    }
                    NDArray predFake = d.forward(pairFor(real, fake.stopGradient()), pass);
                    dFake = Losses.gan(predFake, 0f, o.gan());
                    NDArray predReal = d.forward(pairFor(real, target), pass);
                    dReal = Losses.gan(predReal, (float) (1 - o.labelSmoothing()), o.gan());
                    gc.backward(Scalars.times(dFake.add(dReal), 0.5));
                }
            }
            if (!pretrain) {
                optD.step(step, lr);
            }
            NDArray gGan = zero;
            NDArray gL1;
            NDArray gL2 = zero;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss;
                gL1 = Losses.l1(fake, target);
                loss = Scalars.times(gL1, o.lambdaL1());
                if (o.lambdaL2() > 0) {
                    gL2 = Losses.l2(fake, target);
                    loss = loss.add(Scalars.times(gL2, o.lambdaL2()));
                }
                if (!pretrain) {
                    d.params().setRequiresGradient(false);
                    gGan = Losses.gan(d.forward(pairFor(real, fake), pass), 1f, o.gan());
                    loss = loss.add(gGan);
                }
                gc.backward(loss);
            }
            optG.step(step, lr);
            NDList terms = new NDList(gGan, gL1, dReal, dFake);
            if (o.lambdaL2() > 0) {
                terms.add(gL2);
            }
            if (o.r1Gamma() > 0) {
                terms.add(r1);
            }
            acc.addi(NDArrays.stack(terms).stopGradient());
        }
    }

    /** The discriminator's input: input and output concatenated (conditional) or the output alone. */
    private NDArray pairFor(NDArray input, NDArray output) {
        return loop.state().spec().conditionalD() ? input.concat(output, 1) : output;
    }

    /**
     * R1 = gamma/2 * E||grad_x D(x)||^2 on real pairs. Its gradient w.r.t. D's weights needs the
     * input gradient as a differentiable graph (create_graph); the parameter gradients that the
     * auxiliary backward leaves behind are discarded before the penalty's own backward. (Parameters
     * keep at most one iteration's graph through their gradient; the next R1 pass replaces it.)
     */
    private NDArray r1Penalty(NDArray real, NDArray target, Pass pass, NDManager step, double gamma) {
        NDArray x = pairFor(real, target).stopGradient();
        x.setRequiresGradient(true);
        NDArray out = d.forward(x, pass).sum();
        dev.pix2pix.nn.TorchEngine.backward(out, true, true);
        NDArray grad = x.getGradient();
        grad.attach(step);
        optD.zeroGradients();
        long n = x.getShape().get(0);
        NDArray penalty = Scalars.times(grad.square().sum(), gamma / 2 / n);
        dev.pix2pix.nn.TorchEngine.backward(penalty, true, false);
        return penalty.stopGradient();
    }

    /** Writes a checkpoint of the current state (also used by a graceful stop). */
    public Path checkpoint(TrainOptions o) throws IOException {
        Checkpoints.Contents c = new Checkpoints.Contents(g.params().encode(), d == null ? null : d.params().encode(),
                optG.encode(), optD == null ? null : optD.encode(), loop.state());
        return Checkpoints.write(outDir, c, o.keepCheckpoints());
    }

    /** Writes the model folder's generator and model.json. */
    public void publish() throws IOException {
        RunState state = loop.state();
        ModelSpec spec = state.spec();
        boolean color = "color".equals(state.data().layout());
        ModelInfo info = new ModelInfo(ModelInfo.FORMAT, spec, color ? "colorize" : "translate", state.data().layout(),
                color ? null : state.data().direction(), state.options().size(), state.epoch() - 1, state.iteration(),
                CodeVersion.get(), Instant.now().toString(), state.data().source());
        ModelFolder.write(outDir, info, g);
    }

    @Override
    public void close() {
        manager.close();
    }
}
