package dev.pix2pix.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.pix2pix.data.PairSet;
import dev.pix2pix.data.Preprocessing;
import dev.pix2pix.data.Sample;
import dev.pix2pix.data.UnalignedSet;
import dev.pix2pix.data.UnusableSample;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.model.Generator;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.PatchDiscriminator;
import dev.pix2pix.nn.HostUpload;
import dev.pix2pix.nn.Pass;
import dev.pix2pix.nn.Scalars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * CycleGAN training (Zhu et al.; the reference's cycle_gan_model.optimize_parameters): G_A: A -> B and
 * G_B: B -> A, D_A judging B images and D_B judging A images, on unaligned sets. Per iteration: both generators
 * forward (fake_B, rec_A, fake_A, rec_B); one G step on GAN(D_A(fake_B)) + GAN(D_B(fake_A)) + the
 * cycle-consistency L1s weighted lambda_A, lambda_B + the identity L1s (G_A(real_B) ~ real_B,
 * G_B(real_A) ~ real_A) weighted lambda_idt * lambda; then one D step per discriminator on a real batch and
 * a fake drawn from its image pool, halved. The reported losses carry the reference's names and weights
 * (D_A, G_A, cycle_A, idt_A, D_B, G_B, cycle_B, idt_B), as epoch means. The learning rate follows the
 * pix2pix schedule (constant, then linear decay).
 *
 * <p>Each epoch visits every A image once (shuffled, or in order with serial batches); each A image is paired
 * with a B image drawn at random from (seed, epoch, iteration), or the next one in order with serial batches.
 * The result is two ordinary model folders, {@code AtoB/} (G_A) and {@code BtoA/} (G_B), which translate,
 * colorize, evaluate and the workers use as they use any pix2pix model, the run's {@code loss_log.jsonl}, and
 * checkpoints ({@code checkpoints/it_N/}: the four networks, their optimizers and both pools) from which a
 * stopped run resumes exactly.
 */
public final class CycleGanTrainer implements TrainingRun {
    /** The CycleGAN-only options; the reference's defaults are {@link #defaults()}. */
    public record CycleOptions(double lambdaA, double lambdaB, double lambdaIdentity, int poolSize) {
        public CycleOptions {
            if (lambdaA < 0 || lambdaB < 0 || lambdaIdentity < 0 || poolSize < 0) {
                throw new IllegalArgumentException("lambda_A, lambda_B, lambda_identity and pool size must be >= 0");
            }
        }

        public static CycleOptions defaults() {
            return new CycleOptions(10, 10, 0.5, 50);
        }
    }

    public static final List<String> LOSSES = List.of("D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B");

    private final NDManager manager;
    private final ModelSpec specA;
    private final ModelSpec specB;
    private final TrainOptions o;
    private final CycleOptions c;
    private final DataSpec dataSpec;
    private final UnalignedSet data;
    private final Path outDir;
    private final Generator gA;
    private final Generator gB;
    private final PatchDiscriminator dA;
    private final PatchDiscriminator dB;
    private final FlatAdam optGA;
    private final FlatAdam optGB;
    private final FlatAdam optDA;
    private final FlatAdam optDB;
    private final ImagePool poolA;
    private final ImagePool poolB;
    private final Map<String, Part> parts;
    /** The part holding the run's CycleOptions (read before the networks are built). */
    private static final String CYCLE = "cycle";
    private final EpochLoop loop;

    /**
     * @param spec G_A's architecture (A channels in, B channels out); the discriminators see one image
     *     ({@code conditionalD} must be false)
     */
    private CycleGanTrainer(RunState state, CycleOptions cycle, UnalignedSet data, Path outDir, Device device,
            Path restoreFrom) throws IOException {
        ModelSpec spec = state.spec();
        TrainOptions options = state.options();
        DataSpec dataSpec = state.data();
        if (spec.conditionalD()) {
            throw new IllegalArgumentException("CycleGAN's discriminators see one image: the spec must be unconditional");
        }
        Preprocessing want = options.preprocessing(spec.sizeMultiple());
        if (!want.equals(data.a().preprocessing()) || !want.equals(data.b().preprocessing())) {
            throw new IllegalArgumentException("the sets were opened with " + data.a().preprocessing() + " but the run uses " + want);
        }
        if (data.a().inputChannels() != spec.inputNc() || data.b().inputChannels() != spec.outputNc()) {
            throw new IllegalArgumentException("the sets give " + data.a().inputChannels() + " and " + data.b().inputChannels()
                    + " channels, the model maps " + spec.inputNc() + " -> " + spec.outputNc());
        }
        Files.createDirectories(outDir);
        this.specA = spec;
        this.specB = spec.withChannels(spec.outputNc(), spec.inputNc());
        this.o = options;
        this.c = cycle;
        this.dataSpec = dataSpec;
        this.data = data;
        this.outDir = outDir;
        this.manager = NDManager.newBaseManager(device);
        long seed = options.seed();
        this.gA = Generator.create(specA, manager, seed);
        this.gB = Generator.create(specB, manager, seed + 1);
        this.dA = new PatchDiscriminator(specA, manager, seed + 2); // judges B images (G_A's outputs)
        this.dB = new PatchDiscriminator(specB, manager, seed + 3); // judges A images
        this.optGA = new FlatAdam(gA.params(), manager, options.beta1(), 0.999, 1e-8);
        this.optGB = new FlatAdam(gB.params(), manager, options.beta1(), 0.999, 1e-8);
        this.optDA = new FlatAdam(dA.params(), manager, options.beta1(), 0.999, 1e-8);
        this.optDB = new FlatAdam(dB.params(), manager, options.beta1(), 0.999, 1e-8);
        this.poolA = new ImagePool(cycle.poolSize(), manager, seed + 4);
        this.poolB = new ImagePool(cycle.poolSize(), manager, seed + 5);
        this.loop = new EpochLoop(state, manager, outDir, LOSSES);
        this.parts = partTable();
        if (restoreFrom != null) {
            Map<String, byte[]> saved = Checkpoints.readParts(restoreFrom, List.copyOf(parts.keySet()));
            parts.forEach((name, part) -> part.load().accept(saved.get(name)));
        }
    }

    /** A checkpointed piece of state: how it is written and read back. */
    private record Part(Supplier<byte[]> save, Consumer<byte[]> load) {}

    /** Every network, optimizer and pool a checkpoint holds, by part name (the one list of them). */
    private Map<String, Part> partTable() {
        Map<String, Part> m = new LinkedHashMap<>();
        m.put("G_A", new Part(gA.params()::encode, gA.params()::decode));
        m.put("G_B", new Part(gB.params()::encode, gB.params()::decode));
        m.put("D_A", new Part(dA.params()::encode, dA.params()::decode));
        m.put("D_B", new Part(dB.params()::encode, dB.params()::decode));
        m.put("optG_A", new Part(optGA::encode, optGA::decode));
        m.put("optG_B", new Part(optGB::encode, optGB::decode));
        m.put("optD_A", new Part(optDA::encode, optDA::decode));
        m.put("optD_B", new Part(optDB::encode, optDB::decode));
        m.put("poolA", new Part(poolA::encode, poolA::decode));
        m.put("poolB", new Part(poolB::encode, poolB::decode));
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * A new run into {@code outDir}; refuses a folder that already holds checkpoints (resume it).
     *
     * @param spec G_A's architecture (A channels in, B channels out); the discriminators see one image
     *     ({@code conditionalD} must be false)
     */
    public static CycleGanTrainer start(ModelSpec spec, TrainOptions options, CycleOptions cycle, DataSpec dataSpec,
            UnalignedSet data, Path outDir, Device device) throws IOException {
        if (Checkpoints.latest(outDir).isPresent()) {
            throw new IllegalStateException(outDir + " already holds checkpoints of a run: resume it or choose another folder");
        }
        return new CycleGanTrainer(new RunState(spec, options, dataSpec, 1, 0, 0, CodeVersion.get()), cycle, data, outDir,
                device, null);
    }

    /** Continues from the folder's latest checkpoint at its exact epoch and iteration (same options, same data). */
    public static CycleGanTrainer resume(Path outDir, UnalignedSet data, Device device) throws IOException {
        return resume(outDir, null, data, device);
    }

    /**
     * The same with the checkpoint's options extended ({@link Trainer#resumableOptions}: more epochs), or null for
     * the checkpoint's own.
     */
    public static CycleGanTrainer resume(Path outDir, TrainOptions options, UnalignedSet data, Device device)
            throws IOException {
        Path cp = Checkpoints.latest(outDir)
                .orElseThrow(() -> new IllegalStateException(outDir + " has no checkpoint to resume from"));
        CycleOptions cycle = dev.pix2pix.msg.Json.mapper().readValue(Checkpoints.readParts(cp, List.of(CYCLE)).get(CYCLE),
                CycleOptions.class);
        RunState s = Checkpoints.readState(cp);
        return new CycleGanTrainer(new RunState(s.spec(), options == null ? s.options() : options, s.data(), s.epoch(),
                s.iterationInEpoch(),
                s.iteration(), CodeVersion.get()), cycle, data, outDir, device, cp);
    }

    @Override
    public RunState state() {
        return loop.state();
    }

    /** Writes a checkpoint of every network, optimizer and pool, and the run state. */
    public Path checkpoint() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        parts.forEach((name, part) -> out.put(name, part.save().get()));
        out.put(CYCLE, dev.pix2pix.msg.Json.writeIndented(c));
        return Checkpoints.writeParts(outDir, out, loop.state(), o.keepCheckpoints());
    }

    public Generator generatorA() {
        return gA;
    }

    public Generator generatorB() {
        return gB;
    }

    /** Native arrays alive under this trainer (parameters, optimizer state, pools, anything leaked). */
    public int liveArrays() {
        return ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
    }

    /**
     * Trains to the end, or until {@code stop} answers true between iterations (then checkpoints and returns
     * STOPPED); checkpoints every {@code checkpointEvery} epochs and at the end; publishes both generators.
     */
    @Override
    public Trainer.Result run(TrainListener listener, BooleanSupplier stop) throws IOException, InterruptedException {
        try (BatchLoader loader = new BatchLoader(data.a(), o.seed(), o.batch(), o.serialBatches(), 0)) {
            return loop.run(loader, new EpochLoop.Body() {
                @Override
                public void step(BatchLoader.Batch a, int epoch, long iteration, double lr, NDArray acc) {
                    CycleGanTrainer.this.step(a, drawB(epoch, iteration, a), lr, acc);
                }

                @Override
                public Path checkpoint() throws IOException {
                    return CycleGanTrainer.this.checkpoint();
                }

                @Override
                public void publish() throws IOException {
                    CycleGanTrainer.this.publish();
                }

                @Override
                public String nothingUsable() {
                    return "no usable images under A/: all were skipped";
                }
            }, listener, stop);
        }
    }

    /**
     * A batch of B images as large as A's: at random from (seed, epoch, iteration), or in order with serial
     * batches; an unusable image is passed over for the next.
     */
    private float[] drawB(int epoch, long it, BatchLoader.Batch a) {
        PairSet b = data.b();
        int n = a.size();
        int per = specB.inputNc() * a.width() * a.height();
        float[] out = new float[n * per];
        Random r = new Random(o.seed() * 0x9E3779B97F4A7C15L + epoch * 1_000_003L + it);
        for (int k = 0; k < n; k++) {
            int start = o.serialBatches() ? (int) ((it * n + k) % b.size()) : r.nextInt(b.size());
            Sample s = null;
            for (int tries = 0; tries < b.size() && s == null; tries++) {
                try {
                    s = b.sample((start + tries) % b.size(), r);
                } catch (UnusableSample skipped) {
                    // reported by the set; take the next
                }
            }
            if (s == null) {
                throw new IllegalStateException("no usable images under B/: all were skipped");
            }
            if (s.width() != a.width() || s.height() != a.height()) {
                throw new IllegalStateException("B image " + s.name() + " is " + s.width() + "x" + s.height()
                        + ", A's batch " + a.width() + "x" + a.height() + ": crop both sides to one size (--size)");
            }
            System.arraycopy(s.input(), 0, out, k * per, per);
        }
        return out;
    }

    private void step(BatchLoader.Batch batchA, float[] batchB, double lr, NDArray acc) {
        int n = batchA.size(), h = batchA.height(), w = batchA.width();
        String gan = o.gan();
        try (NDManager step = manager.newSubManager()) {
            NDArray realA = HostUpload.floats(step, batchA.input(), new Shape(n, specA.inputNc(), h, w));
            NDArray realB = HostUpload.floats(step, batchB, new Shape(n, specA.outputNc(), h, w));
            Pass pass = Pass.train(step);
            NDArray zero = step.zeros(new Shape());
            NDArray fakeA;
            NDArray fakeB;
            NDArray lossGA;
            NDArray lossGB;
            NDArray cycleA;
            NDArray cycleB;
            NDArray idtA = zero;
            NDArray idtB = zero;
            dA.params().setRequiresGradient(false);
            dB.params().setRequiresGradient(false);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                fakeB = gA.forward(realA, pass);
                NDArray recA = gB.forward(fakeB, pass);
                fakeA = gB.forward(realB, pass);
                NDArray recB = gA.forward(fakeA, pass);
                NDArray loss = zero;
                if (c.lambdaIdentity() > 0 && specA.inputNc() == specA.outputNc()) {
                    // identity: G_A fed a B image should change little (same channels only, as the reference asserts)
                    idtA = Scalars.times(Losses.l1(gA.forward(realB, pass), realB), c.lambdaB() * c.lambdaIdentity());
                    idtB = Scalars.times(Losses.l1(gB.forward(realA, pass), realA), c.lambdaA() * c.lambdaIdentity());
                    loss = idtA.add(idtB);
                }
                lossGA = Losses.gan(dA.forward(fakeB, pass), 1f, gan);
                lossGB = Losses.gan(dB.forward(fakeA, pass), 1f, gan);
                cycleA = Scalars.times(Losses.l1(recA, realA), c.lambdaA());
                cycleB = Scalars.times(Losses.l1(recB, realB), c.lambdaB());
                gc.backward(loss.add(lossGA).add(lossGB).add(cycleA).add(cycleB));
            }
            optGA.step(step, lr);
            optGB.step(step, lr);
            dA.params().setRequiresGradient(true);
            dB.params().setRequiresGradient(true);
            NDArray lossDA;
            NDArray lossDB;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray pooledB = poolB.query(fakeB, step);
                lossDA = Scalars.times(Losses.gan(dA.forward(realB, pass), 1f, gan)
                        .add(Losses.gan(dA.forward(pooledB, pass), 0f, gan)), 0.5);
                NDArray pooledA = poolA.query(fakeA, step);
                lossDB = Scalars.times(Losses.gan(dB.forward(realA, pass), 1f, gan)
                        .add(Losses.gan(dB.forward(pooledA, pass), 0f, gan)), 0.5);
                gc.backward(lossDA.add(lossDB));
            }
            optDA.step(step, lr);
            optDB.step(step, lr);
            acc.addi(NDArrays.stack(new NDList(lossDA, lossGA, cycleA, idtA, lossDB, lossGB, cycleB, idtB)).stopGradient());
        }
    }

    /** Writes {@code AtoB/} (G_A) and {@code BtoA/} (G_B) as model folders. */
    public void publish() throws IOException {
        String code = CodeVersion.get();
        String now = Instant.now().toString();
        RunState at = loop.state();
        ModelFolder.write(outDir.resolve("AtoB"), new ModelInfo(ModelInfo.FORMAT, specA, "translate", "unaligned", "AtoB",
                o.size(), at.epoch() - 1, at.iteration(), code, now, dataSpec.source()), gA);
        ModelFolder.write(outDir.resolve("BtoA"), new ModelInfo(ModelInfo.FORMAT, specB, "translate", "unaligned", "BtoA",
                o.size(), at.epoch() - 1, at.iteration(), code, now, dataSpec.source()), gB);
    }

    @Override
    public void close() {
        manager.close();
    }
}
