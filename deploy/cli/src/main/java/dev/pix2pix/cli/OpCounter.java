package dev.pix2pix.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the native (ATen) operations a piece of work dispatches, with PyTorch's profiler. At small
 * batches on a GPU a step's time is mostly kernel-launch overhead, so this count, measurable on
 * any CPU, is the proxy to drive down.
 *
 * <p>Three counts: operations called from Java, all operations (including those they call inside), and
 * compute operations: the innermost operations that do work on tensor data, i.e. not views, allocations
 * or wrappers around other operations. The last approximates the kernels a GPU would run (a cuDNN
 * convolution may run more than one); a reshape costs dispatch time but no kernel.
 */
final class OpCounter {
    /**
     * @param topLevel operations called from Java
     * @param all including the ones they call inside
     * @param compute innermost operations on tensor data (about one GPU kernel each)
     */
    record Counts(int topLevel, int all, int compute) {}

    /** Events that launch no kernel: the rules of no-kernel-ops.txt (shared with bench/reference_step.py). */
    private static final List<String> NO_KERNEL = noKernelRules();

    private static List<String> noKernelRules() {
        try (var in = OpCounter.class.getResourceAsStream("no-kernel-ops.txt")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("no-kernel-ops.txt is missing from the CLI", e);
        }
    }

    static boolean launchesNoKernel(String name) {
        for (String rule : NO_KERNEL) {
            boolean match = rule.endsWith("*") ? name.startsWith(rule.substring(0, rule.length() - 1))
                    : rule.startsWith("*") ? name.endsWith(rule.substring(1)) : name.equals(rule);
            if (match) {
                return true;
            }
        }
        return false;
    }

    private OpCounter() {}

    static Counts count(Runnable work) throws IOException {
        Path trace = Files.createTempFile("pix2pix-profile", ".json");
        try {
            dev.pix2pix.nn.TorchEngine.startProfile();
            try {
                work.run();
            } finally {
                dev.pix2pix.nn.TorchEngine.stopProfile(trace.toString());
            }
            String keep = System.getProperty("pix2pix.profile.out");
            if (keep != null) {
                Files.copy(trace, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return fromTrace(dev.pix2pix.msg.Json.mapper().readTree(trace.toFile()));
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    /** The counts of a Chrome-format profiler trace (as PyTorch's profiler writes it). */
    static Counts fromTrace(JsonNode root) {
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        List<long[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode e : events) {
            boolean op = "cpu_op".equals(e.path("cat").asText()) || "X".equals(e.path("ph").asText());
            if (op && e.has("ts") && e.has("dur")) {
                long ts = (long) (e.path("ts").asDouble() * 1000);
                long dur = (long) (e.path("dur").asDouble() * 1000);
                spans.add(new long[] {ts, ts + dur, e.path("tid").asLong(), names.size()});
                names.add(e.path("name").asText());
            }
        }
        // an op is top-level when no other op on the same thread (Java's, or autograd's) encloses it
        spans.sort((a, b) -> a[2] != b[2] ? Long.compare(a[2], b[2])
                : a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
        int top = 0;
        long openEnd = Long.MIN_VALUE;
        long tid = Long.MIN_VALUE;
        for (long[] s : spans) {
            if (s[2] != tid || s[0] >= openEnd) {
                top++;
                openEnd = s[1];
                tid = s[2];
            } else {
                openEnd = Math.max(openEnd, s[1]);
            }
        }
        return new Counts(top, spans.size(), innermostCompute(spans, names));
    }

    /** Compute operations none of whose enclosed operations (same thread) is a compute operation. */
    private static int innermostCompute(List<long[]> spans, List<String> names) {
        boolean[] computeInside = new boolean[spans.size()];
        java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>(); // positions in spans, innermost first
        boolean[] insideForeach = new boolean[spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            long[] s = spans.get(i);
            while (!open.isEmpty() && (spans.get(open.peek())[2] != s[2] || spans.get(open.peek())[1] <= s[0])) {
                open.pop();
            }
            // a multi-tensor (_foreach_) op is one compute op: fused launches on CUDA, one op per tensor on a CPU
            for (int parent : open) {
                insideForeach[i] |= insideForeach[parent] || names.get((int) spans.get(parent)[3]).startsWith("aten::_foreach_");
            }
            if (!launchesNoKernel(names.get((int) s[3])) && !insideForeach[i]) {
                for (int parent : open) {
                    computeInside[parent] = true;
                }
            }
            open.push(i);
        }
        int n = 0;
        for (int i = 0; i < spans.size(); i++) {
            if (!computeInside[i] && !insideForeach[i] && !launchesNoKernel(names.get((int) spans.get(i)[3]))) {
                n++;
            }
        }
        return n;
    }
}
