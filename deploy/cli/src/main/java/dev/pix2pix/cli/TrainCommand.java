package dev.pix2pix.cli;

import ai.djl.Device;
import dev.pix2pix.data.DataFiles;
import dev.pix2pix.data.DataReport;
import dev.pix2pix.data.Direction;
import dev.pix2pix.data.Layout;
import dev.pix2pix.data.PairSet;
import dev.pix2pix.data.UnalignedSet;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.train.CycleGanTrainer;
import dev.pix2pix.train.RunState;
import dev.pix2pix.train.TrainListener;
import dev.pix2pix.train.TrainOptions;
import dev.pix2pix.train.TrainPlan;
import dev.pix2pix.train.Trainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a pix2pix model into a model folder (checkpoints every N epochs; Ctrl-C checkpoints and stops), "
                + "or a CycleGAN pair (--model cyclegan --layout unaligned) into OUT/AtoB and OUT/BtoA.")
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Mixin
    TrainFlags flags = new TrainFlags();

    @Option(names = "--data", required = true, description = "training data folder")
    Path data;

    @Option(names = "--layout", required = true, description = "aligned|folders|color (pix2pix), unaligned (cyclegan: A/ and B/)")
    String layout;

    @Option(names = "--direction", defaultValue = "AtoB", description = "AtoB|BtoA for aligned and folders (default: ${DEFAULT-VALUE})")
    String direction;

    @Option(names = "--out", required = true, description = "model folder (what --model takes everywhere)")
    Path out;

    @Option(names = "--cache-dir", description = "prepared cache: each image decoded and resized once, reused by "
            + "later epochs and runs (default: $XDG_CACHE_HOME/pix2pix/prepared or ~/.cache/pix2pix/prepared)")
    Path cacheDir;

    @Option(names = "--no-cache", description = "decode and resize every image in every epoch instead")
    boolean noCache;

    @Option(names = "--loader-threads", defaultValue = "0", description = "threads preparing batches (0 = one per core)")
    int loaderThreads;

    @Option(names = "--device", defaultValue = "auto", description = "cpu|gpu|auto")
    String device;

    @Option(names = "--resume", description = "continue from the model folder's latest checkpoint")
    boolean resume;

    @Option(names = "--json", description = "one JSON line per epoch and a final line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Layout lay = Layout.parse(layout);
        if (flags.kind() == TrainJob.Model.CYCLEGAN) {
            return cycleGan(lay);
        }
        Direction dir = Direction.parse(direction);
        TrainPlan plan = TrainPlan.of(flags.options(), lay, dir, data.toAbsolutePath().toString());
        Device dev = EngineSetup.device(device, false, System.err);
        TrainOptions options;
        ModelSpec spec;
        Optional<RunState> saved = Trainer.checkpointState(out);
        if (resume) {
            RunState s = saved.orElseThrow(() -> new IllegalStateException(out + " has no checkpoint to resume from"));
            options = Trainer.resumableOptions(s, flags.model.anyExplicit() ? plan.spec() : null,
                    flags.epochs, flags.epochsDecay);
            spec = s.spec();
        } else {
            if (saved.isPresent()) {
                throw new IllegalStateException(out + " already holds a run's checkpoints: add --resume, or choose another --out");
            }
            spec = plan.spec();
            options = plan.options();
        }
        PairSet ds = PairSet.builder(DataFiles.folder(data), lay).direction(dir).channels(spec.inputNc(), spec.outputNc())
                .preprocessing(options.preprocessing(spec.sizeMultiple())).maxImages(options.maxImages(), options.seed())
                .preparedCache(noCache ? null : cacheDir != null ? cacheDir : defaultCacheDir())
                .warnings(w -> System.err.println("warning: " + w)).open();
        ProgressBar bar = new ProgressBar(System.err);
        Stopper stopper = new Stopper();
        try (ds; Trainer t = resume ? Trainer.resume(out, options, ds, dev) : Trainer.start(spec, options, plan.dataSpec(), ds, out, dev)) {
            t.loaderThreads(loaderThreads);
            stopper.install();
            if (!json) {
                System.err.printf("training %s on %d pairs (%s, %s) for %d epochs on %s%s%n", spec.netG(), ds.size(), lay,
                        options.preprocess(), options.totalEpochs(), dev,
                        ds.cache() == null ? ", no prepared cache" : ", prepared cache " + ds.cache().dir());
            }
            Trainer.Result r = t.run(new TrainListener() {
                @Override
                public void progress(Progress p) {
                    bar.update("epoch " + p.epoch() + "/" + p.totalEpochs(), p.iteration(), p.totalIterations(),
                            String.format("%.1f img/s eta %s", p.imagesPerSecond(), ProgressBar.eta(p.etaSeconds())));
                }

                @Override
                public void epoch(EpochStats e) {
                    String line = epochLine(e);
                    if (json) {
                        System.out.println(line);
                    } else {
                        bar.end();
                        System.err.println(line);
                    }
                }
            }, stopper::requested);
            bar.end();
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("event", r.outcome() == Trainer.Outcome.COMPLETED ? "done" : "stopped");
            done.put("epoch", r.epoch());
            done.put("iteration", r.iteration());
            done.put("model", out.toAbsolutePath().toString());
            done.put("checkpoint", r.checkpoint() == null ? null : r.checkpoint().toString());
            done.put("losses", r.lastLosses());
            DataReport report = ds.report();
            done.put("images", report.usable());
            done.put("skipped", report.unreadable());
            done.put("grayscale", report.grayscale());
            System.out.println(json ? JsonLine.of(done) : "model: " + out.toAbsolutePath() + " (" + done.get("event") + ")");
            return r.outcome() == Trainer.Outcome.COMPLETED ? 0 : 130;
        } finally {
            stopper.finished();
        }
    }

    /** $XDG_CACHE_HOME/pix2pix/prepared, else ~/.cache/pix2pix/prepared. */
    static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("pix2pix").resolve("prepared");
    }

    /** Ctrl-C / SIGTERM: ask the loop to checkpoint and stop, and let the JVM exit only after that. */
    static final class Stopper {
        private volatile boolean requested;
        private final CountDownLatch done = new CountDownLatch(1);
        private Thread hook;

        void install() {
            hook = new Thread(() -> {
                requested = true;
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
        }

        boolean requested() {
            return requested;
        }

        void finished() {
            done.countDown();
        }
    }

    /** Unpaired training: the AtoB/ and BtoA/ model folders under --out, the epochs' losses with the reference's names. */
    private int cycleGan(Layout lay) throws Exception {
        if (lay != Layout.UNALIGNED) {
            throw new IllegalArgumentException("--model cyclegan trains on --layout unaligned (folders A/ and B/ of unrelated images)");
        }
        TrainPlan plan = TrainPlan.cycleGan(flags.options(), flags.cycleGan(), data.toAbsolutePath().toString());
        ModelSpec spec = plan.spec();
        TrainOptions options = plan.options();
        Optional<RunState> saved = dev.pix2pix.train.Checkpoints.latest(out).isPresent()
                ? Optional.of(dev.pix2pix.train.Checkpoints.readState(dev.pix2pix.train.Checkpoints.latest(out).get()))
                : Optional.empty();
        if (resume) {
            // the checkpoint's architecture and options; the data must open the same way
            RunState s = saved.orElseThrow(() -> new IllegalStateException(out + " has no checkpoint to resume from"));
            spec = s.spec();
            options = Trainer.resumableOptions(s, null, flags.epochs, flags.epochsDecay);
        } else if (saved.isPresent()) {
            throw new IllegalStateException(out + " already holds a run's checkpoints: add --resume, or choose another --out");
        }
        CycleGanTrainer.CycleOptions cycle = plan.cycle();
        Device dev = EngineSetup.device(device, false, System.err);
        Path cache = noCache ? null : cacheDir != null ? cacheDir : defaultCacheDir();
        Stopper stopper = new Stopper();
        try (UnalignedSet set = UnalignedSet.open(data, spec.inputNc(), spec.outputNc(),
                options.preprocessing(spec.sizeMultiple()), cache);
                CycleGanTrainer t = resume ? CycleGanTrainer.resume(out, options, set, dev)
                        : CycleGanTrainer.start(spec, options, cycle, plan.dataSpec(), set, out, dev)) {
            stopper.install();
            if (!json) {
                System.err.printf("training CycleGAN (%s) on %d A and %d B images for %d epochs on %s%n", spec.netG(),
                        set.a().size(), set.b().size(), options.totalEpochs(), dev);
            }
            Trainer.Result r = t.run(new TrainListener() {
                @Override
                public void epoch(EpochStats e) {
                    (json ? System.out : System.err).println(epochLine(e));
                }
            }, stopper::requested);
            Map<String, Object> done = new LinkedHashMap<>();
            done.put("event", r.outcome() == Trainer.Outcome.COMPLETED ? "done" : "stopped");
            done.put("epoch", r.epoch());
            done.put("iteration", r.iteration());
            done.put("modelAtoB", out.resolve("AtoB").toAbsolutePath().toString());
            done.put("modelBtoA", out.resolve("BtoA").toAbsolutePath().toString());
            done.put("losses", r.lastLosses());
            System.out.println(json ? JsonLine.of(done) : "models: " + out.resolve("AtoB").toAbsolutePath() + " (A -> B), "
                    + out.resolve("BtoA").toAbsolutePath() + " (B -> A) (" + done.get("event") + ")");
            return r.outcome() == Trainer.Outcome.COMPLETED ? 0 : 130;
        } finally {
            stopper.finished();
        }
    }

    /** One epoch as a JSON line: {"event":"epoch","epoch":N, the losses..., "seconds":S}, for either model. */
    private static String epochLine(TrainListener.EpochStats e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "epoch");
        line.put("epoch", e.epoch());
        line.putAll(e.losses());
        line.put("seconds", e.seconds());
        return JsonLine.of(line);
    }
}
