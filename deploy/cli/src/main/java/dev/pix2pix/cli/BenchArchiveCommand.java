package dev.pix2pix.cli;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.image.DecodedImage;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.ImageWriter;
import dev.pix2pix.image.OutputFormat;
import dev.pix2pix.image.Provenance;
import dev.pix2pix.infer.FolderIO;
import dev.pix2pix.infer.InferenceSettings;
import dev.pix2pix.infer.ItemResult;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.infer.OutputPolicy;
import dev.pix2pix.infer.TranslatePipeline;
import dev.pix2pix.infer.Translator;
import dev.pix2pix.io.LocalFiles;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.Generator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-archive", mixinStandardHelpOptions = true,
        description = "Colorize a folder of real-size photos end to end and compare with each stage measured alone "
                + "in the same run (images/s, megapixels/s, the overlap ratio, peak memory).")
final class BenchArchiveCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "folder of photos (any size; colour ones are grayed)")
    Path input;

    @Option(names = "--model", description = "colorize model (folder or .pth); default: an untrained unet_256 colorizer")
    Path model;

    @Option(names = "--count", defaultValue = "0", description = "images to process (cycling the folder); 0 = each once")
    int count;

    @Option(names = "--render-size", defaultValue = "256")
    int renderSize;

    @Option(names = "--batch", defaultValue = "8")
    int batch;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads per stage (0 = all cores)")
    int threads;

    @Option(names = "--device", defaultValue = "auto")
    String device;

    @Override
    public Integer call() throws Exception {
        List<String> files = new ArrayList<>();
        for (String k : FolderIO.keys(input)) {
            if (FolderIO.looksLikeImage(k)) {
                files.add(k);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no images in " + input);
        }
        int n = count > 0 ? count : files.size();
        int cpu = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Path work = Files.createTempDirectory("pix2pix-bench-archive");
        Path in = work.resolve("in");
        for (int i = 0; i < n; i++) {
            String k = files.get(i % files.size());
            Path dst = in.resolve(String.format("%05d_%s", i, k.replace('/', '_')));
            Files.createDirectories(dst.getParent());
            Files.copy(input.resolve(k), dst);
        }
        List<String> keys = FolderIO.keys(in);
        ImageDecoder decoder = new ImageDecoder();
        Map<String, Object> res = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(EngineSetup.device(device, true, System.err)); Loaded loaded = open(m)) {
            Translator tr = new Translator(loaded.g, loaded.info, new InferenceSettings(renderSize, false, batch, 0));
            ExecutorService pool = Executors.newFixedThreadPool(cpu);
            try {
                // each stage alone, over all items, as parallel as it is in the pipeline
                List<byte[]> bytes = timed(res, "read", n, 0, () -> parallel(pool, keys, k -> Files.readAllBytes(in.resolve(k))));
                List<Integer> idx = range(n);
                // decode's megapixels are known once it has run
                Measured<List<DecodedImage>> decoding = measure(() -> parallel(pool, idx, i -> decoder.decode(bytes.get(i), keys.get(i))));
                List<DecodedImage> dec = decoding.result();
                double mp = 0;
                for (DecodedImage d : dec) {
                    mp += d.width() * (double) d.height() / 1e6;
                }
                stage(res, "decode", n, mp, decoding);
                List<Translator.Prepared> prepared = timed(res, "prepare", n, mp,
                        () -> parallel(pool, idx, i -> tr.prepare(new Translator.Item(keys.get(i), dec.get(i).image()))));
                List<float[]> outputs = timed(res, "forward", n, mp, () -> {
                    List<float[]> all = new ArrayList<>();
                    for (int from = 0; from < n; from += batch) {
                        all.addAll(tr.forward(prepared.subList(from, Math.min(n, from + batch)), m));
                    }
                    return all;
                });
                List<FloatImage> finished = timed(res, "finish", n, mp,
                        () -> parallel(pool, idx, i -> tr.finish(prepared.get(i), outputs.get(i))));
                List<byte[]> ours = timed(res, "encode", n, mp, () -> parallel(pool, idx,
                        i -> ImageWriter.write(finished.get(i), OutputFormat.png8(), Map.of(), null)));
                // baseline for our PNG encoder: the JDK's ImageIO writer on the same images, same threads
                List<byte[]> jdk = timed(res, "encodeImageIoBaseline", n, mp, () -> parallel(pool, idx, i -> {
                    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                    javax.imageio.ImageIO.write(finished.get(i).toBufferedImage(), "png", b);
                    return b.toByteArray();
                }));
                res.put("encodeOverImageIo", BenchCommand.round(stat(res, "encode", "imagesPerSec") / stat(res, "encodeImageIoBaseline", "imagesPerSec")));
                res.put("pngBytesOverImageIo", BenchCommand.round(
                        ours.stream().mapToLong(b -> b.length).sum() / (double) jdk.stream().mapToLong(b -> b.length).sum()));
                // the pipeline, stages overlapped
                TranslatePipeline p = new TranslatePipeline(tr, decoder, OutputPolicy.defaults(),
                        Provenance.colorized("bench", CodeVersion.get()), cpu);
                long e0 = System.nanoTime();
                List<ItemResult> results = p.run(keys, FolderIO.source(in), FolderIO.sink(work.resolve("out")),
                        r -> {}, () -> false, m);
                double e2e = (System.nanoTime() - e0) / 1e9;
                long ok = results.stream().filter(r -> r.status() == ItemResult.Status.OK).count();
                double slowest = Double.MAX_VALUE;
                String slowestName = null;
                double secondsPerImageAllStages = 0;
                double cpuSecondsPerImage = 0;
                for (String s : List.of("read", "decode", "prepare", "forward", "finish", "encode")) {
                    double ips = stat(res, s, "imagesPerSec");
                    secondsPerImageAllStages += 1 / ips;
                    cpuSecondsPerImage += stat(res, s, "cpuMsPerImage") / 1e3;
                    if (ips < slowest) {
                        slowest = ips;
                        slowestName = s;
                    }
                }
                Map<String, Object> end = new LinkedHashMap<>();
                end.put("imagesPerSec", BenchCommand.round(n / e2e));
                end.put("megapixelsPerSec", BenchCommand.round(mp / e2e));
                end.put("outputs", ok);
                res.put("endToEnd", end);
                res.put("slowestStage", slowestName);
                res.put("endToEndOverSlowestStage", BenchCommand.round((n / e2e) / slowest));
                // where every stage needs the same cores (CPU forward), overlap cannot beat running the
                // stages one after the other on all cores: this ratio says how close the pipeline gets
                res.put("endToEndOverStagesInSeries", BenchCommand.round((n / e2e) * secondsPerImageAllStages));
                // the CPU time every image needs, all stages together (on a GPU node the forward's share is
                // only its launch overhead), bounds any overlap: cores / that. Near 1, the overlap works and
                // what separates end to end from the slowest stage is CPU capacity, not waiting
                int cores = Runtime.getRuntime().availableProcessors();
                double cpuBound = cores / cpuSecondsPerImage;
                res.put("cpuBound", Map.of("cores", cores, "cpuMsPerImageAllStages",
                        BenchCommand.round(cpuSecondsPerImage * 1e3), "imagesPerSec", BenchCommand.round(cpuBound)));
                res.put("endToEndOverCpuBound", BenchCommand.round((n / e2e) / cpuBound));
            } finally {
                pool.shutdownNow();
            }
        } finally {
            LocalFiles.deleteTree(work);
        }
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("images", n);
        head.put("cpuThreads", cpu);
        head.put("renderSize", renderSize);
        head.putAll(res);
        head.put("peakRssMiB", BenchCommand.round(BenchCommand.rssMiB("VmHWM")));
        System.out.println(JsonLine.of(head));
        return 0;
    }

    private record Loaded(Generator g, ModelInfo info) implements AutoCloseable {
        @Override
        public void close() {
            g.close();
        }
    }

    private Loaded open(NDManager m) throws Exception {
        if (model != null) {
            ModelLoader.Loaded l = ModelLoader.load(model, m);
            if (!l.info().colorize()) {
                l.close();
                throw new IllegalArgumentException(model + " is not a colorization model");
            }
            return new Loaded(l.generator(), l.info());
        }
        ModelSpec spec = new ModelSpec("unet_256", "basic", 3, 64, 64, "batch", 1, 2, true, true);
        return new Loaded(Generator.create(spec, m, 1), new ModelInfo(ModelInfo.FORMAT, spec, "colorize", "color", null,
                256, 0, 0, CodeVersion.get(), "", "untrained"));
    }

    interface Work<T, R> {
        R apply(T t) throws Exception;
    }

    interface Stage<R> {
        R run() throws Exception;
    }

    /** A stage's result with its wall time and the process's CPU time while it ran. */
    private record Measured<R>(R result, double seconds, double cpuSeconds) {}

    private static <R> Measured<R> measure(Stage<R> s) throws Exception {
        long t0 = System.nanoTime();
        long c0 = processCpuNanos();
        R r = s.run();
        return new Measured<>(r, (System.nanoTime() - t0) / 1e9, (processCpuNanos() - c0) / 1e9);
    }

    private static <R> R timed(Map<String, Object> res, String name, int n, double mp, Stage<R> s) throws Exception {
        Measured<R> m = measure(s);
        stage(res, name, n, mp, m);
        return m.result();
    }

    /** CPU time of the whole process (every thread: ours, libtorch's, the JVM's). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A figure of a stage already measured, e.g. its "imagesPerSec". */
    private static double stat(Map<String, Object> res, String stage, String key) {
        return (Double) ((Map<?, ?>) res.get(stage)).get(key);
    }

    private static void stage(Map<String, Object> res, String name, int n, double mp, Measured<?> m) {
        double sec = m.seconds(), cpuSec = m.cpuSeconds();
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("imagesPerSec", BenchCommand.round(n / sec));
        if (mp > 0) {
            st.put("megapixelsPerSec", BenchCommand.round(mp / sec));
        }
        st.put("cpuMsPerImage", BenchCommand.round(cpuSec * 1e3 / n));
        res.put(name, st);
    }

    private static <T, R> List<R> parallel(ExecutorService pool, List<T> items, Work<T, R> w) throws Exception {
        List<Future<R>> fs = new ArrayList<>();
        for (T t : items) {
            fs.add(pool.submit(() -> w.apply(t)));
        }
        List<R> out = new ArrayList<>();
        for (Future<R> f : fs) {
            out.add(f.get());
        }
        return out;
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }
}
