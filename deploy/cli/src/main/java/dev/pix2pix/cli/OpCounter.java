package dev.pix2pix.cli;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the native (ATen) operations a piece of work dispatches, with PyTorch's profiler. At small
 * batches on a GPU a step's time is mostly kernel-launch overhead, so this count, measurable on
 * any CPU, is the proxy to drive down.
 */
final class OpCounter {
    /** @param topLevel operations called from Java; @param all including the ones they call inside */
    record Counts(int topLevel, int all) {}

    private OpCounter() {}

    static Counts count(Runnable work) throws IOException {
        Path trace = Files.createTempFile("pix2pix-profile", ".json");
        try {
            JniUtils.startProfile(false, false, false);
            try {
                work.run();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            String keep = System.getProperty("pix2pix.profile.out");
            if (keep != null) {
                Files.copy(trace, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            JsonNode root = new ObjectMapper().readTree(trace.toFile());
            JsonNode events = root.isArray() ? root : root.path("traceEvents");
            List<long[]> spans = new ArrayList<>();
            for (JsonNode e : events) {
                boolean op = "cpu_op".equals(e.path("cat").asText()) || "X".equals(e.path("ph").asText());
                if (op && e.has("ts") && e.has("dur")) {
                    long ts = (long) (e.path("ts").asDouble() * 1000);
                    long dur = (long) (e.path("dur").asDouble() * 1000);
                    spans.add(new long[] {ts, ts + dur, e.path("tid").asLong()});
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
            return new Counts(top, spans.size());
        } finally {
            Files.deleteIfExists(trace);
        }
    }
}
