package dev.pix2pix.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.Generator;
import dev.pix2pix.nn.HostUpload;
import dev.pix2pix.nn.Pass;
import dev.pix2pix.train.TrainOptions;
import dev.pix2pix.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training iterations or generator forward passes on synthetic data; prints the median "
                + "after warm-up, throughput and resident memory (at iteration 200 and at the end).")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--what", defaultValue = "train", description = "train (one training step) or infer (a generator forward); default ${DEFAULT-VALUE}")
    String what;

    @Option(names = "--batch", defaultValue = "1", description = "images per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--size", defaultValue = "256", description = "square image side in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--iters", defaultValue = "50", description = "timed iterations (default ${DEFAULT-VALUE})")
    int iters;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed iterations first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--eval-mode", description = "infer: classic eval mode instead of test-time mode")
    boolean evalMode;

    @Option(names = "--half", description = "infer: the generator in float16 (GPU tensor cores)")
    boolean half;

    @Option(names = "--device", defaultValue = "auto", description = "auto|cpu|gpu (default ${DEFAULT-VALUE}: a GPU when one is visible)")
    String device;

    @Option(names = "--count-ops", description = "profile one iteration after the timed ones and count the native "
            + "operations it dispatched (the CPU-side proxy for GPU launch overhead)")
    boolean countOps;

    @Override
    public Integer call() throws Exception {
        ModelSpec spec = model.spec(false);
        // as the workers do: autotuned for training, deterministic algorithm choice for inference
        Device dev = EngineSetup.device(device, what.equals("infer"), System.err);
        Random r = new Random(1);
        int n = batch;
        float[] in = randomImage(r, n * spec.inputNc() * size * size);
        float[] out = randomImage(r, n * spec.outputNc() * size * size);
        List<Double> ms = new ArrayList<>();
        double rssAt200 = Double.NaN;
        double rssEnd = Double.NaN; // after the last iteration, while the model is still open
        OpCounter.Counts ops = null;
        if (what.equals("train")) {
            TrainOptions o = TrainOptions.defaults();
            o = new TrainOptions(1, 0, 0, n, size, size, false, o.gan(), o.lambdaL1(), 0, 0, 0, o.lr(), o.beta1(), 1, 1, 1, 0);
            try (Trainer t = Trainer.forBenchmark(spec, o, dev)) {
                for (int i = 0; i < warmup + iters; i++) {
                    long t0 = System.nanoTime();
                    t.benchStep(in, out, n);
                    record(ms, i, t0);
                    if (i + 1 == 200) {
                        rssAt200 = rssMiB("VmRSS");
                    }
                    if (i + 1 == warmup + iters) {
                        rssEnd = rssMiB("VmRSS");
                    }
                }
                if (countOps) {
                    ops = OpCounter.count(() -> t.benchStep(in, out, n));
                }
            }
        } else if (what.equals("infer")) {
            try (NDManager m = NDManager.newBaseManager(dev); Generator g = Generator.create(spec, m, 1)) {
                if (half) {
                    g.toHalf();
                }
                long[] seeds = new long[n];
                Arrays.fill(seeds, 7);
                for (int i = 0; i < warmup + iters; i++) {
                    long t0 = System.nanoTime();
                    try (NDManager step = m.newSubManager()) {
                        var x = HostUpload.floats(step, in, new ai.djl.ndarray.types.Shape(n, spec.inputNc(), size, size));
                        Pass p = evalMode ? Pass.eval(step) : Pass.testTime(step, seeds);
                        g.forward(x, p).toFloatArray();
                    }
                    record(ms, i, t0);
                    if (i + 1 == 200) {
                        rssAt200 = rssMiB("VmRSS");
                    }
                    if (i + 1 == warmup + iters) {
                        rssEnd = rssMiB("VmRSS");
                    }
                }
                if (countOps) {
                    ops = OpCounter.count(() -> {
                        try (NDManager step = m.newSubManager()) {
                            var x = HostUpload.floats(step, in, new ai.djl.ndarray.types.Shape(n, spec.inputNc(), size, size));
                            g.forward(x, evalMode ? Pass.eval(step) : Pass.testTime(step, seeds)).toFloatArray();
                        }
                    });
                }
            }
        } else {
            throw new IllegalArgumentException("--what must be train or infer");
        }
        List<Double> timed = new ArrayList<>(ms.subList(Math.min(warmup, ms.size()), ms.size()));
        timed.sort(null);
        double median = timed.isEmpty() ? Double.NaN : timed.get(timed.size() / 2);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("what", what);
        res.put("device", dev.toString());
        res.put("netG", spec.netG());
        res.put("batch", n);
        res.put("size", size);
        res.put("iters", iters);
        res.put("precision", half && what.equals("infer") ? "float16" : "float32");
        res.put("msPerIter", round(median));
        res.put("imagesPerSec", round(n * 1000.0 / median));
        res.put("peakRssMiB", round(rssMiB("VmHWM")));
        res.put("rssMiBAt200", Double.isNaN(rssAt200) ? null : round(rssAt200));
        res.put("rssMiBEnd", round(rssEnd));
        if (ops != null) {
            res.put("topLevelOpsPerIter", ops.topLevel());
            res.put("allOpsPerIter", ops.all());
            res.put("computeOpsPerIter", ops.compute());
        }
        System.out.println(JsonLine.of(res));
        return 0;
    }

    private static void record(List<Double> ms, int i, long t0) {
        ms.add((System.nanoTime() - t0) / 1e6);
    }

    private static float[] randomImage(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** A field of /proc/self/status in MiB (NaN where there is no procfs). */
    static double rssMiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
