package dev.pix2pix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.io.LocalFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-data", mixinStandardHelpOptions = true,
        description = "The training data pipeline on generated aligned sets (512x256 JPEGs): time to the first batch, "
                + "images/s with 1, 2 and all cores and peak resident memory, for the streaming set with its prepared "
                + "cache (first epoch and later ones), decoding every epoch, and the in-memory path it replaced, each "
                + "case in a JVM of its own; and the CPU a GPU training at the reference's H100 rate would need.")
final class BenchDataCommand implements Callable<Integer> {
    /** The reference's training step at batch 16 on an H100, in images/s (the engine issue's figure). */
    static final double H100_IMAGES_PER_SECOND = 702;

    @Option(names = "--sets", split = ",", defaultValue = "1000,20000", description = "set sizes (default: ${DEFAULT-VALUE})")
    List<Integer> sets;

    @Option(names = "--dir", defaultValue = "/tmp/pix2pix-bench-data",
            description = "where the sets and caches are generated (default: ${DEFAULT-VALUE}; never in the repository)")
    Path dir;

    @Option(names = "--batch", defaultValue = "16")
    int batch;

    @Option(names = "--size", defaultValue = "256", description = "crop size (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--load-size", defaultValue = "286")
    int loadSize;

    @Option(names = "--images", defaultValue = "2000", description = "images per rate measurement (default: ${DEFAULT-VALUE})")
    long images;

    @Option(names = "--heap", defaultValue = "1g", description = "fixed heap of each case's JVM (default: ${DEFAULT-VALUE})")
    String heap;

    @Option(names = "--baseline-max-heap-fraction", defaultValue = "0.6",
            description = "run the in-memory baseline only where its pixels fit in this share of that heap")
    double baselineFraction;

    @Option(names = "--warmup", defaultValue = "480", description = "images prepared with every core before the rates are measured (JIT)")
    long warmup;

    @Option(names = "--rounds", defaultValue = "2", description = "rounds of the cached / decoding / in-memory cases, alternating")
    int rounds;

    @Option(names = "--generate-only", description = "only generate the sets (DIR/set-N), e.g. to train on them")
    boolean generateOnly;

    @Option(names = "--json", description = "one JSON line per case")
    boolean json;

    @Override
    public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        String threads = "1,2," + cores;
        String load0 = loadAverage();
        List<String> lines = new ArrayList<>();
        Map<Integer, Map<String, JsonNode>> results = new LinkedHashMap<>();
        for (int n : sets) {
            Path data = dir.resolve("set-" + n);
            long t0 = System.nanoTime();
            SyntheticPairs.ensure(data, n, cores);
            System.err.printf("set of %d pairs ready in %s (%.0f s)%n", n, data, (System.nanoTime() - t0) / 1e9);
            if (generateOnly) {
                continue;
            }
            Path cache = dir.resolve("cache-" + n);
            LocalFiles.deleteTree(cache);
            Map<String, JsonNode> r = new LinkedHashMap<>();
            // the first epoch fills the cache: all of it, with every core, timed from the start
            r.put("cold", child(data, "stream", cache, Integer.toString(cores), n, 0));
            long heapNeeded = (long) n * 2 * 3 * loadSize * loadSize;
            long maxHeap = bytes(heap);
            boolean baseline = heapNeeded < baselineFraction * maxHeap;
            for (int round = 1; round <= rounds; round++) {
                // alternating, so that a change in the machine's load shows as a difference between rounds
                String suffix = round == 1 ? "" : "#" + round;
                r.put("cached" + suffix, child(data, "stream", cache, threads, images, warmup));
                r.put("decode" + suffix, child(data, "decode", null, threads, images, warmup));
                if (baseline) {
                    r.put("memory" + suffix, child(data, "memory", null, threads, images, warmup));
                }
            }
            if (!baseline) {
                System.err.printf("in-memory baseline on %d pairs not run: its pixels alone need %.1f GiB of heap "
                        + "(--heap %s)%n", n, heapNeeded / 1073741824.0, heap);
            }
            results.put(n, r);
            LocalFiles.deleteTree(cache);
        }
        if (generateOnly) {
            return 0;
        }
        String load1 = loadAverage();
        print(results, cores, load0, load1);
        return 0;
    }

    private JsonNode child(Path data, String mode, Path cache, String threads, long count, long warm) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-XX:+AlwaysPreTouch"); // as deploy/bin/pix2pix runs train
        cmd.add("-Xms" + heap); // a fixed heap: resident memory then shows what grows outside it, and the live
        cmd.add("-Xmx" + heap); // heap after a collection what the set keeps in it (a set that grew would not fit)
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchDataCase.class.getName());
        cmd.add("mode=" + mode);
        cmd.add("data=" + data);
        if (cache != null) {
            cmd.add("cache=" + cache);
        }
        cmd.add("threads=" + threads);
        cmd.add("images=" + count);
        cmd.add("warmup=" + warm);
        cmd.add("batch=" + batch);
        cmd.add("size=" + size);
        cmd.add("load=" + loadSize);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IllegalStateException("bench-data case " + mode + " on " + data + " failed (exit "
                    + (p.isAlive() ? "timeout" : p.exitValue()) + "): " + out);
        }
        String last = out.strip().lines().reduce((x, y) -> y).orElse("{}");
        JsonNode node = dev.pix2pix.msg.Json.mapper().readTree(last);
        if (json) {
            System.out.println(last);
        }
        return node;
    }

    private void print(Map<Integer, Map<String, JsonNode>> results, int cores, String load0, String load1) {
        System.out.printf("bench-data: %d cores, load average %s at the start, %s at the end; aligned 512x256 JPEGs, "
                + "batch %d, %d px crops of %d px, mirror on%n", cores, load0, load1, batch, size, loadSize);
        System.out.printf("%-7s %-46s %8s %8s %9s %9s %9s %10s %10s %9s%n", "pairs", "path", "open s", "1st bat s",
                "img/s 1", "img/s 2", "img/s " + cores, "peak RSS", "RssAnon", "live heap");
        Map<String, String> names = Map.of("memory", "before: in memory at open, its 1-thread loader",
                "cold", "streaming, first epoch (fills the cache)", "cached", "streaming, prepared cache",
                "decode", "streaming, decoding every epoch");
        for (var e : results.entrySet()) {
            for (String k : e.getValue().keySet()) {
                JsonNode n = e.getValue().get(k);
                JsonNode r = n.get("imagesPerSecond");
                String base = k.replaceAll("#.*", "");
                System.out.printf("%-7d %-46s %8.2f %8.2f %9s %9s %9s %9.0fM %9.0fM %8.0fM%n", e.getKey(),
                        names.get(base) + (k.contains("#") ? " " + k.substring(k.indexOf('#')) : ""),
                        n.get("openSeconds").asDouble(), n.path("firstBatchSeconds").asDouble(Double.NaN), rate(r, "1"),
                        rate(r, "2"), rate(r, Integer.toString(cores)), n.get("peakRssMiB").asDouble(),
                        n.get("peakRssAnonMiB").asDouble(), n.path("liveHeapMiB").asDouble(Double.NaN));
            }
        }
        List<Integer> ns = new ArrayList<>(results.keySet());
        Map<String, JsonNode> small = results.get(ns.get(0));
        Map<String, JsonNode> large = results.get(ns.get(ns.size() - 1));
        if (ns.size() > 1) {
            for (String k : List.of("cached", "cold", "decode")) {
                System.out.printf("peak RSS %d / %d pairs, %s: %.3f (RssAnon %.3f)%n", ns.get(ns.size() - 1), ns.get(0),
                        names.get(k), large.get(k).get("peakRssMiB").asDouble() / small.get(k).get("peakRssMiB").asDouble(),
                        large.get(k).get("peakRssAnonMiB").asDouble() / small.get(k).get("peakRssAnonMiB").asDouble());
            }
        }
        for (String suffix : List.of("", "#2", "#3")) {
            JsonNode mem = small.get("memory" + suffix);
            if (mem == null) {
                continue;
            }
            String c = Integer.toString(cores);
            System.out.printf("round %s: streaming with %s cores / the in-memory path: %.2f from the prepared cache, %.2f "
                    + "decoding every epoch (at 1 thread: %.2f, %.2f)%n", suffix.isEmpty() ? "1" : suffix.substring(1), c,
                    val(small.get("cached" + suffix), c) / val(mem, "1"), val(small.get("decode" + suffix), c) / val(mem, "1"),
                    val(small.get("cached" + suffix), "1") / val(mem, "1"), val(small.get("decode" + suffix), "1") / val(mem, "1"));
        }
        double perCore = val(small.get("cached"), "1");
        double perCoreDecode = val(small.get("decode"), "1");
        System.out.printf("a GPU at the reference's H100 rate (training step, batch 16) takes %.0f img/s: the pipeline gives "
                + "%.0f img/s per core from the prepared cache (%.1f cores to keep up), %.0f decoding every epoch (%.1f cores)%n",
                H100_IMAGES_PER_SECOND, perCore, H100_IMAGES_PER_SECOND / perCore, perCoreDecode,
                H100_IMAGES_PER_SECOND / perCoreDecode);
    }

    static long bytes(String size) {
        String s = size.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = s.endsWith("g") ? 1L << 30 : s.endsWith("m") ? 1L << 20 : s.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }

    private static double val(JsonNode n, String t) {
        return n.get("imagesPerSecond").path(t).asDouble(Double.NaN);
    }

    private static String rate(JsonNode r, String t) {
        return r.has(t) ? String.format("%.0f", r.get(t).asDouble()) : "-";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
