package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.EventLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.store.S3Uri;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** What every fault test asserts of a translate job that must survive the fault. */
final class JobChecks {
    private JobChecks() {}

    /** n grayscale scenes under {@code in}, each a few hundred pixels (a shard takes seconds). */
    static void putInputs(ItEnv env, String in, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            env.put(in + "img" + (100 + i) + ".png", ItEnv.image(160 + i, 120, true, "png", i));
        }
    }

    /**
     * The job completed, once; one output per input and none failed (no item fails for an outage);
     * the manifest lists every input exactly once.
     */
    static JobEvent assertCompletedOnce(ItEnv env, String jobId, String out, int n, Duration timeout)
            throws Exception {
        JobEvent end = env.events.awaitTerminal(jobId, timeout);
        assertEquals(EventType.COMPLETED, end.type(), () -> "ended " + end);
        Thread.sleep(1500); // a duplicate terminal event would be published right after the first
        List<JobEvent> events = env.events.events(jobId);
        assertEquals(1, events.stream().filter(e -> e.type().terminal()).count(),
                () -> "terminal events: " + EventLog.types(events));
        assertEquals(0, events.stream().filter(e -> e.type() == EventType.ITEM_FAILED).count(),
                () -> "items failed: " + events.stream().filter(e -> e.type() == EventType.ITEM_FAILED).toList());
        assertEquals((long) n, end.counts().get("inputs"));
        assertEquals((long) n, end.counts().get("outputs"));
        assertEquals(0L, end.counts().get("failed"));
        assertEquals(n, env.outputKeys(out).size(), () -> "outputs: " + env.outputKeys(out));
        String text = new String(env.store.get(S3Uri.parse(env.uri(out + ItEnv.manifest(jobId)))),
                StandardCharsets.UTF_8);
        List<ManifestLine> lines = text.lines().map(l -> Json.read(l, ManifestLine.class)).toList();
        assertEquals(n, lines.size());
        assertEquals(n, lines.stream().map(ManifestLine::input).distinct().count(), "an input twice in the manifest");
        assertTrue(lines.stream().noneMatch(l -> ManifestLine.FAILED.equals(l.status())));
        return end;
    }
}
