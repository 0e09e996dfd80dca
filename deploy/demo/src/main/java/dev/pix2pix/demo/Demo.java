package dev.pix2pix.demo;

import dev.pix2pix.data.Scenes;
import dev.pix2pix.cli.Connection;
import dev.pix2pix.cli.EventPrinter;
import dev.pix2pix.cli.JobRunner;
import dev.pix2pix.cli.LocalJobStack;
import dev.pix2pix.cli.Transfer;
import dev.pix2pix.metrics.ImageScore;
import dev.pix2pix.metrics.MetricsAccumulator;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.SchemaVersion;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.stack.LocalStack;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The end-to-end demo ({@code deploy/demo/run.sh}): generates a synthetic colour dataset, starts the
 * local stack (Kafka, S3Proxy, worker-train, worker-infer), uploads the data, trains a small
 * colorization model through a TrainJob, colorizes grayscale images (and one corrupt file) through
 * a TranslateJob, downloads everything and writes an HTML report. The stack is stopped on every exit.
 * The last line printed is {@code Report: /absolute/path/report.html}.
 */
public final class Demo {
    /**
     * Knobs, sized so that the whole demo fits in 10 minutes on 2 busy CPU cores (4 on idle ones). At this budget a
     * colorizer trained on L1 alone scored better on every metric than one with GAN epochs after L1 pre-training
     * (24 held-out scenes, 64 px: SSIM 0.862 vs 0.840, hist a/b 0.74/0.86 vs 0.72/0.85, colourfulness equal): the
     * scenes' colours follow from their gray levels, so there is little to hallucinate. DEMO_GAN=vanilla (with
     * DEMO_PRETRAIN_EPOCHS) trains the full pix2pix objective instead.
     */
    record Settings(int trainImages, int trainSide, int testImages, int testSide, String netG, int ngf, int ndf,
                    int size, int loadSize, int batch, String gan, int pretrainEpochs, int epochs, int epochsDecay,
                    double lr, Duration trainTimeout, Duration colorizeTimeout) {
        static Settings defaults() {
            return new Settings(envInt("DEMO_TRAIN_IMAGES", 240), 80, envInt("DEMO_TEST_IMAGES", 6), 96, "unet_64",
                    32, 16, 64, 72, 4, envString("DEMO_GAN", "none"), envInt("DEMO_PRETRAIN_EPOCHS", 0),
                    envInt("DEMO_EPOCHS", 14), envInt("DEMO_EPOCHS_DECAY", 2), 5e-4,
                    Duration.ofSeconds(envInt("DEMO_TRAIN_TIMEOUT", 480)), Duration.ofSeconds(180));
        }

        int totalEpochs() {
            return pretrainEpochs + epochs + epochsDecay;
        }
    }

    private static final String MARKER = ".pix2pix-demo";
    private final PrintStream out = System.out;
    private final Path dir;
    private final Path stackDir;
    private final Settings settings;
    private final Map<String, Double> timings = new java.util.LinkedHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Overall metrics of the last report written, printed at the end. */
    private String lastSummary;

    Demo(Path dir, Settings settings) {
        this.dir = dir.toAbsolutePath().normalize();
        this.stackDir = this.dir.resolve("stack");
        this.settings = settings;
    }

    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : home().resolve("deploy/demo/target/demo");
        Demo demo = new Demo(dir, Settings.defaults());
        int code;
        try {
            Path report = demo.run();
            System.out.println("Report: " + report.toAbsolutePath());
            code = 0;
        } catch (DemoFailure e) {
            System.out.println("DEMO FAILED: " + e.getMessage());
            code = 1;
        } catch (Exception e) {
            if (demo.stopping.get()) {
                System.out.println("DEMO INTERRUPTED: the local stack was stopped");
                code = 130;
            } else {
                System.out.println("DEMO FAILED: " + e);
                if (System.getenv("PIX2PIX_DEBUG") != null) {
                    e.printStackTrace(System.out);
                }
                code = 1;
            }
        }
        System.exit(code);
    }

    static Path home() {
        String h = System.getProperty("pix2pix.home");
        return h == null ? Path.of("").toAbsolutePath() : Path.of(h);
    }

    /** A failure with a readable reason (no stack trace needed). */
    static final class DemoFailure extends RuntimeException {
        DemoFailure(String m) {
            super(m);
        }
    }

    Path run() throws Exception {
        long t0 = System.nanoTime();
        prepareDir();
        Path train = dir.resolve("data/train");
        Path gray = dir.resolve("data/test-gray");
        Path truth = dir.resolve("data/test-color");
        phase("generate data", () -> generate(train, gray, truth));

        // From here on processes run: stop them on every exit, Ctrl-C included.
        Thread hook = new Thread(this::stopStack, "demo-stack-down");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return withStack(train, gray, truth, t0);
        } finally {
            stopStack();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }

    private Path withStack(Path train, Path gray, Path truth, long t0) throws Exception {
        out.println("== starting the local stack (Kafka, S3Proxy, worker-train, worker-infer) in " + stackDir);
        LocalJobStack.Running stack = timed("stack up", () -> LocalJobStack.up(stackDir, true, out));
        Connection conn = Connection.ofStack(stackDir);
        String run = "demo-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
        S3Uri base = new S3Uri(LocalJobStack.BUCKET, run + "/");
        S3Uri trainUri = base.child("train/"), grayUri = base.child("gray/"), modelUri = base.child("model/"),
                colorUri = base.child("colorized/");
        try (ObjectStore store = new ObjectStore(conn.store())) {
            timed("upload", () -> {
                int n = Transfer.upload(store, train, trainUri) + Transfer.upload(store, gray, grayUri);
                out.println("uploaded " + n + " files to " + base);
                return null;
            });

            JobRunner runner = new JobRunner(conn);
            EventPrinter printer = new EventPrinter(out);
            TrainJob.Options o = new TrainJob.Options(settings.netG(), null, null, settings.ngf(), settings.ndf(), null,
                    null, null, settings.epochs(), settings.epochsDecay(), settings.batch(), settings.size(),
                    settings.loadSize(), null, settings.gan(), null, null, null, null, settings.lr(), null, 42L, 1000,
                    null, settings.pretrainEpochs());
            TrainJob tj = new TrainJob(SchemaVersion.CURRENT, JobRunner.newJobId("train"), trainUri.toString(),
                    TrainJob.Layout.COLOR, null, modelUri.toString(), o);
            out.println("== training " + tj.jobId() + ": " + settings.netG() + " ngf " + settings.ngf() + ", "
                    + settings.trainImages() + " images, " + epochsText());
            JobEvent trained = timed("train job", () -> follow(runner, tj, tj.jobId(), printer, settings.trainTimeout(),
                    "worker-train", stack));

            List<JobEvent> itemFailures = new ArrayList<>();
            TranslateJob cj = TranslateJob.ofPrefix(JobRunner.newJobId("colorize"), modelUri.toString(), grayUri.toString(),
                    colorUri.toString(), TranslateJob.Mode.COLORIZE,
                    // classic eval mode: running statistics and no dropout, so each scene's colours are its own
                    // (measured: hist a/b 0.82/0.86 against 0.73/0.86 with test-time batch statistics)
                    new TranslateJob.Options(true, null, null, null, null, null, null, null));
            out.println("== colorizing " + grayUri + " (" + settings.testImages() + " images + 1 corrupt file) as " + cj.jobId());
            JobEvent colorized = timed("colorize job", () -> follow(runner, cj, cj.jobId(), e -> {
                printer.accept(e);
                if (e.type() == EventType.ITEM_FAILED) {
                    itemFailures.add(e);
                }
            }, settings.colorizeTimeout(), "worker-infer", stack));

            Path results = dir.resolve("results");
            timed("download", () -> {
                int n = Transfer.download(store, modelUri, results.resolve("model"))
                        + Transfer.download(store, colorUri, results.resolve("colorized"));
                out.println("downloaded " + n + " files to " + results);
                return null;
            });
            Path report = timed("report", () -> writeReport(dir.resolve("report/report.html"), tj, trained, cj, colorized,
                    itemFailures, run));
            timings.put("total (demo, without the Maven build)", (System.nanoTime() - t0) / 1e9);
            writeReport(report, tj, trained, cj, colorized, itemFailures, run); // again, with the total time
            if (lastSummary != null) {
                out.println("== metrics over the " + settings.testImages() + " test scenes (shared/tools/metrics.py's "
                        + "definitions)\n" + lastSummary);
            }
            return report;
        }
    }

    private JobEvent follow(JobRunner runner, Object job, String jobId, java.util.function.Consumer<JobEvent> onEvent,
                            Duration timeout, String worker, LocalJobStack.Running stack) {
        Optional<JobEvent> end = runner.run(job, onEvent, timeout, stopping::get);
        if (end.isEmpty()) {
            throw new DemoFailure(jobId + " did not end within " + timeout.toSeconds() + " s; last lines of " + worker
                    + "'s log:\n" + tail(stack, worker));
        }
        if (end.get().type() != EventType.COMPLETED) {
            throw new DemoFailure(jobId + " " + end.get().type().wire() + ": "
                    + Optional.ofNullable(end.get().reason()).orElse("") + " "
                    + Optional.ofNullable(end.get().message()).orElse("") + "\nlast lines of " + worker + "'s log:\n"
                    + tail(stack, worker));
        }
        return end.get();
    }

    private static String tail(LocalJobStack.Running stack, String worker) {
        LocalJobStack.Worker w = stack.workers().get(worker);
        if (w == null) {
            return "(no log)";
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(w.log()));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + w.log() + ")";
        }
    }

    // ---- data ----

    private void generate(Path train, Path gray, Path truth) throws IOException {
        Files.createDirectories(train);
        Files.createDirectories(gray);
        Files.createDirectories(truth);
        for (int i = 0; i < settings.trainImages(); i++) {
            ImageIO.write(Scenes.scene(i, settings.trainSide(), settings.trainSide()), "png",
                    train.resolve(String.format(Locale.ROOT, "scene_%03d.png", i)).toFile());
        }
        for (int i = 0; i < settings.testImages(); i++) {
            BufferedImage color = Scenes.scene(100_000 + i, settings.testSide(), settings.testSide());
            String name = String.format(Locale.ROOT, "test_%02d.png", i);
            ImageIO.write(color, "png", truth.resolve(name).toFile());
            ImageIO.write(Scenes.grayLightness(color), "png", gray.resolve(name).toFile());
        }
        // a PNG cut off after its header: the worker must report it as a failed item and go on
        byte[] png = Files.readAllBytes(gray.resolve("test_00.png"));
        Files.write(gray.resolve("broken.png"), java.util.Arrays.copyOf(png, Math.min(png.length, 60)));
        out.println("generated " + settings.trainImages() + " training scenes (" + settings.trainSide() + " px), "
                + settings.testImages() + " grayscale test scenes (" + settings.testSide() + " px) and broken.png in "
                + dir.resolve("data"));
    }

    // ---- report ----

    private Path writeReport(Path file, TrainJob tj, JobEvent trained, TranslateJob cj, JobEvent colorized,
                             List<JobEvent> itemFailures, String run) throws IOException {
        Path reportDir = file.getParent();
        Path img = reportDir.resolve("img");
        Files.createDirectories(img);
        Path results = dir.resolve("results");
        Path colorDir = results.resolve("colorized");
        Report r = new Report("pix2pix demo: colorizing synthetic scenes on the local stack");
        r.fact("run", run + " (bucket " + LocalJobStack.BUCKET + ")");
        r.fact("train job", tj.jobId() + ": " + settings.netG() + ", ngf " + settings.ngf() + ", ndf " + settings.ndf()
                + ", " + settings.trainImages() + " colour scenes of " + settings.trainSide() + " px, crop " + settings.size()
                + ", batch " + settings.batch() + ", lr " + settings.lr() + ", " + epochsText() + ", seed 42");
        r.fact("train result", trained.type().wire() + (trained.outputs() == null ? "" : " -> " + trained.outputs())
                + (trained.seconds() == null ? "" : String.format(Locale.ROOT, " in %.1f s", trained.seconds())));
        r.fact("colorize job", cj.jobId() + ": " + cj.input() + " -> " + cj.output());
        r.fact("colorize result", colorized.type().wire() + (colorized.counts() == null ? "" : " " + colorized.counts()));
        r.fact("machine", Runtime.getRuntime().availableProcessors() + " CPU cores, " + System.getProperty("os.name") + ", Java "
                + System.getProperty("java.version"));
        r.fact("determinism", "data and training are seeded: the same seeds give the same model bit for bit on a machine "
                + "with as many cores (the worker trains with one libtorch thread per core, and the thread count "
                + "changes the order of floating-point sums)");

        MetricsAccumulator model = new MetricsAccumulator();
        MetricsAccumulator baseline = new MetricsAccumulator();
        Map<String, Path> outputs = new HashMap<>();
        if (Files.isDirectory(colorDir)) {
            try (Stream<Path> s = Files.walk(colorDir)) {
                s.filter(Files::isRegularFile).filter(p -> !colorDir.relativize(p).toString().startsWith("_"))
                        .forEach(p -> outputs.put(stem(p.getFileName().toString()), p));
            }
        }
        List<Path> truths;
        try (Stream<Path> s = Files.list(dir.resolve("data/test-color"))) {
            truths = s.sorted(Comparator.naturalOrder()).toList();
        }
        for (Path t : truths) {
            String name = t.getFileName().toString();
            Path g = dir.resolve("data/test-gray").resolve(name);
            Files.copy(t, img.resolve("truth_" + name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(g, img.resolve("gray_" + name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            FloatImage real = rgb(t);
            ImageScore base = baseline.add(name, rgb(g), real);
            Path o = outputs.get(stem(name));
            ImageScore score = null;
            String outRel = null;
            if (o != null) {
                String ext = o.getFileName().toString().substring(o.getFileName().toString().lastIndexOf('.'));
                Files.copy(o, img.resolve("out_" + stem(name) + ext), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                outRel = "img/out_" + stem(name) + ext;
                score = model.add(name, rgb(o), real);
            }
            r.row(new Report.Row(name, "img/gray_" + name, outRel, "img/truth_" + name, score, base));
        }
        r.summaries(model.count() > 0 ? model.summary() : null, baseline.summary());
        writeStrip(reportDir.resolve("strip.png"), truths, outputs);
        if (model.count() > 0) {
            lastSummary = "model output: " + summaryLine(model.summary()) + "\ngrayscale input: "
                    + summaryLine(baseline.summary());
        }
        for (JobEvent e : itemFailures) {
            r.failure(e.key() + ": " + Optional.ofNullable(e.reason()).orElse("") + " "
                    + Optional.ofNullable(e.message()).orElse(""));
        }
        Path lossLog = results.resolve("model/loss_log.jsonl");
        if (Files.exists(lossLog)) {
            ImageIO.write(LossChart.draw(lossLog), "png", reportDir.resolve("losses.png").toFile());
            r.lossChart("losses.png");
        }
        timings.forEach(r::timing);
        return r.write(file);
    }

    /** The report in one small picture: per test scene, gray input over colorized output over ground truth. */
    private void writeStrip(Path file, List<Path> truths, Map<String, Path> outputs) throws IOException {
        List<BufferedImage[]> columns = new ArrayList<>();
        for (Path t : truths) {
            String name = t.getFileName().toString();
            Path o = outputs.get(stem(name));
            columns.add(new BufferedImage[] {ImageIO.read(dir.resolve("data/test-gray").resolve(name).toFile()),
                o == null ? null : ImageIO.read(o.toFile()), ImageIO.read(t.toFile())});
        }
        ImageIO.write(ReportStrip.draw(columns, settings.testSide()), "png", file.toFile());
    }

    private static String summaryLine(dev.pix2pix.metrics.MetricsSummary m) {
        return String.format(Locale.ROOT, "L1 %.4f, PSNR %.2f dB, SSIM %.4f, Lab hist L/a/b %.2f/%.2f/%.2f, "
                        + "colourfulness %.1f (truth %.1f)", m.l1(), m.psnr(), m.ssim(), m.labHistIntersection().l(),
                m.labHistIntersection().a(), m.labHistIntersection().b(), m.colorfulnessFake(), m.colorfulnessReal());
    }

    private static FloatImage rgb(Path p) throws IOException {
        BufferedImage b = ImageIO.read(p.toFile());
        if (b == null) {
            throw new IOException("not an image: " + p);
        }
        BufferedImage rgb = new BufferedImage(b.getWidth(), b.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.createGraphics().drawImage(b, 0, 0, null);
        return FloatImage.fromBufferedImage(rgb);
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    // ---- plumbing ----

    private void prepareDir() throws IOException {
        if (Files.exists(dir) && !isEmptyDir(dir)) {
            if (!Files.exists(dir.resolve(MARKER))) {
                throw new DemoFailure(dir + " exists and is not a demo folder; choose another");
            }
            if (LocalStack.read(stackDir).isPresent()) {
                LocalJobStack.down(stackDir); // left over from an interrupted run
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by deploy/demo/run.sh; deleted by the next run\n");
    }

    private static boolean isEmptyDir(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }

    private void stopStack() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        try {
            if (LocalStack.read(stackDir).isPresent()) {
                long t = System.nanoTime();
                LocalJobStack.down(stackDir);
                out.printf(Locale.ROOT, "stack stopped (%.1f s)%n", (System.nanoTime() - t) / 1e9);
            }
        } catch (RuntimeException e) {
            out.println("could not stop the stack in " + stackDir + ": " + e.getMessage());
        }
    }

    interface Step<T> {
        T run() throws Exception;
    }

    interface VoidStep {
        void run() throws Exception;
    }

    private void phase(String name, VoidStep s) throws Exception {
        timed(name, () -> {
            s.run();
            return null;
        });
    }

    private <T> T timed(String name, Step<T> s) throws Exception {
        long t = System.nanoTime();
        T v = s.run();
        double sec = (System.nanoTime() - t) / 1e9;
        timings.put(name, sec);
        out.printf(Locale.ROOT, "[%s: %.1f s]%n", name, sec);
        return v;
    }

    private String epochsText() {
        String main = settings.epochs() + " + " + settings.epochsDecay() + " (decay) epochs "
                + (settings.gan().equals("none") ? "of L1 only" : "with the " + settings.gan() + " GAN loss");
        return settings.pretrainEpochs() > 0 ? settings.pretrainEpochs() + " L1-only epochs, then " + main : main;
    }

    private static String envString(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v.trim();
    }

    private static int envInt(String name, int def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
    }
}
