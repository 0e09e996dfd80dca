package dev.pix2pix.cli;

import dev.pix2pix.data.DataFiles;
import dev.pix2pix.data.Layout;
import dev.pix2pix.data.PairSet;
import dev.pix2pix.data.Preprocessing;
import dev.pix2pix.data.TrainingSet;
import dev.pix2pix.train.BatchLoader;
import dev.pix2pix.train.TrainOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One bench-data measurement in a JVM of its own (so that its peak memory is its own): opens a set,
 * times the first batch, then the pipeline's images/s with each thread count, sampling resident
 * memory all along. Prints one JSON line. Arguments are key=value (see {@link BenchDataCommand}).
 */
public final class BenchDataCase {
    private BenchDataCase() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        String mode = a.get("mode");
        Path data = Path.of(a.get("data"));
        int batch = Integer.parseInt(a.get("batch"));
        int size = Integer.parseInt(a.get("size"));
        int load = Integer.parseInt(a.get("load"));
        long images = Long.parseLong(a.get("images"));
        List<Integer> threads = new ArrayList<>();
        for (String t : a.get("threads").split(",")) {
            threads.add(Integer.parseInt(t));
        }
        TrainOptions o = TrainOptions.defaults();
        o = new TrainOptions(1, 0, 0, batch, size, load, true, o.gan(), o.lambdaL1(), 0, 0, 0, o.lr(), o.beta1(), 42, 1, 1, 0);
        Preprocessing pre = o.preprocessing(256);
        MemorySampler mem = MemorySampler.start();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", mode);
        long t0 = System.nanoTime();
        TrainingSet set;
        if (mode.equals("memory")) {
            List<Path> files;
            try (Stream<Path> s = Files.list(data)) {
                files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
            }
            set = new InMemoryBaseline(files, pre);
        } else {
            Path cache = mode.equals("decode") ? null : Path.of(a.get("cache"));
            set = PairSet.builder(DataFiles.folder(data), Layout.ALIGNED).preprocessing(pre).preparedCache(cache)
                    .warnings(w -> System.err.println("warning: " + w)).open();
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        out.put("entries", set.size());
        out.put("openSeconds", openSeconds);
        Map<String, Double> rates = new LinkedHashMap<>();
        try (set) {
            int epoch = 1;
            long warmup = Long.parseLong(a.getOrDefault("warmup", "0"));
            if (warmup > 0) {
                // the first batch, then warm-up images with every core (JIT), not counted in any rate
                try (BatchLoader loader = new BatchLoader(set, 42, batch, false, 0)) {
                    loader.startEpoch(epoch++, 0);
                    BatchLoader.Batch b = loader.take();
                    out.put("firstBatchSeconds", (System.nanoTime() - t0) / 1e9);
                    for (long seen = b.size(); seen < warmup && (b = loader.take()) != null; seen += b.size()) {
                        loader.release(b);
                    }
                }
            }
            if (mode.equals("memory")) {
                // today's loader: one background thread building whole batches (sample, then copy), three ahead
                rates.put("1", legacyRate(set, batch, images));
                threads.clear();
            }
            for (int t : threads) {
                try (BatchLoader loader = new BatchLoader(set, 42, batch, false, t)) {
                    long counted = 0;
                    long start = System.nanoTime();
                    while (counted < images) {
                        loader.startEpoch(epoch++, 0);
                        for (BatchLoader.Batch b; counted < images && (b = loader.take()) != null; ) {
                            if (!out.containsKey("firstBatchSeconds")) {
                                out.put("firstBatchSeconds", (System.nanoTime() - t0) / 1e9);
                            }
                            counted += b.size();
                            loader.release(b);
                        }
                    }
                    rates.put(Integer.toString(t), counted / ((System.nanoTime() - start) / 1e9));
                }
            }
            // what the open set itself keeps in the heap (names, index): live objects after a full collection
            System.gc();
            out.put("liveHeapMiB", java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                    / 1048576.0);
        }
        out.put("imagesPerSecond", rates);
        mem.stop();
        out.put("peakRssMiB", mem.peakRss);
        out.put("peakRssAnonMiB", mem.peakAnon);
        out.put("vmHwmMiB", BenchCommand.rssMiB("VmHWM"));
        out.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        System.out.println(JsonLine.of(out));
    }

    /** Images/s of the loader the in-memory path had: a single thread, each batch built whole, three batches ahead. */
    static double legacyRate(TrainingSet set, int batch, long images) throws Exception {
        java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.ArrayDeque<java.util.concurrent.Future<float[][]>> ahead = new java.util.ArrayDeque<>();
            int n = set.size();
            long start = System.nanoTime();
            long counted = 0;
            long next = 0;
            for (int epoch = 1; counted < images; epoch++) {
                int[] order = dev.pix2pix.train.BatchLoader.permutation(n, new java.util.Random(42 * 1_000_003L + epoch));
                long perEpoch = (n + batch - 1) / batch;
                for (long it = 0; it < perEpoch && counted < images; it++) {
                    while (ahead.size() < 3 && next < perEpoch) {
                        long b = next++;
                        int e = epoch;
                        ahead.add(one.submit(() -> legacyBatch(set, order, b, batch, e)));
                    }
                    counted += ahead.poll().get()[0].length / (3 * 256 * 256);
                }
                ahead.clear();
                next = 0;
            }
            return counted / ((System.nanoTime() - start) / 1e9);
        } finally {
            one.shutdownNow();
        }
    }

    private static float[][] legacyBatch(TrainingSet set, int[] order, long it, int batch, int epoch) throws Exception {
        int from = (int) (it * batch);
        int n = Math.min(batch, order.length - from);
        float[] in = null;
        float[] out = null;
        for (int i = 0; i < n; i++) {
            int idx = order[from + i];
            dev.pix2pix.data.Sample s = set.sample(idx, new java.util.Random((42 * 31 + epoch) * 1_000_003L + idx));
            if (in == null) {
                in = new float[s.input().length * n];
                out = new float[s.target().length * n];
            }
            System.arraycopy(s.input(), 0, in, i * s.input().length, s.input().length);
            System.arraycopy(s.target(), 0, out, i * s.target().length, s.target().length);
        }
        return new float[][] {in, out};
    }

    /** Resident memory sampled every 20 ms (RssAnon leaves out mapped file pages). */
    static final class MemorySampler {
        volatile double peakRss;
        volatile double peakAnon;
        private volatile boolean running = true;
        private Thread thread;

        static MemorySampler start() {
            MemorySampler m = new MemorySampler();
            m.thread = new Thread(() -> {
                while (m.running) {
                    m.sample();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            m.thread.setDaemon(true);
            m.thread.start();
            return m;
        }

        void sample() {
            peakRss = Math.max(peakRss, BenchCommand.rssMiB("VmRSS"));
            peakAnon = Math.max(peakAnon, BenchCommand.rssMiB("RssAnon"));
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            sample();
        }
    }
}
