package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.worker.DeadLetters;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One worker process against the real broker and S3Proxy: a full colorize job, and bad input. */
class TranslateJobIT {
    private static ItEnv env;
    private static WorkerProcess worker;
    private static String model;

    @BeforeAll
    static void start() throws Exception {
        env = new ItEnv("single");
        model = env.uploadColorizeModel("models/tiny/");
        worker = WorkerProcess.start("single-" + env.name, env.workerProps());
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (env != null) {
            env.close();
        }
    }

    @Test
    void colorizesAPrefixWithOneCorruptFile() throws Exception {
        // input -> expected pixel size (w, h)
        Map<String, int[]> inputs = new LinkedHashMap<>();
        String in = "scans/box1/";
        env.put(in + "a.png", ItEnv.image(71, 53, true, "png", 1));
        inputs.put("a.png", new int[] {71, 53});
        env.put(in + "b.jpg", ItEnv.image(40, 90, false, "jpg", 2));
        inputs.put("b.jpg", new int[] {40, 90});
        env.put(in + "sub/c.png", ItEnv.image(128, 64, false, "png", 3));
        inputs.put("sub/c.png", new int[] {128, 64});
        env.put(in + "sub/d.jpg", ItEnv.image(33, 33, true, "jpg", 4));
        inputs.put("sub/d.jpg", new int[] {33, 33});
        env.put(in + "e.png", ItEnv.image(64, 200, true, "png", 5));
        inputs.put("e.png", new int[] {64, 200});
        Path real = dev.pix2pix.testing.TestData.dataset("archive-bw");
        for (String f : List.of("ms_old_photos_scratched/old_w_scratch_b.png", "prokudin_gorskii_raw_plates/cathedral.jpg")) {
            Path p = real.resolve(f);
            if (Files.exists(p)) {
                byte[] bytes = Files.readAllBytes(p);
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
                env.put(in + "real/" + p.getFileName(), bytes);
                inputs.put("real/" + p.getFileName(), new int[] {img.getWidth(), img.getHeight()});
            }
        }
        // corrupt: a PNG signature followed by garbage
        byte[] corrupt = new byte[300];
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, corrupt, 0, 8);
        for (int i = 8; i < corrupt.length; i++) {
            corrupt[i] = (byte) (i * 31);
        }
        env.put(in + "broken.png", corrupt);
        // not inputs: a report folder and the output prefix below the input
        env.put(in + "_reports/old.png", ItEnv.image(10, 10, true, "png", 9));
        env.put(in + "out/stale.png", ItEnv.image(10, 10, true, "png", 9));

        String jobId = "colorize-1";
        String out = in + "out/";
        env.submit(TranslateJob.ofPrefix(jobId, model, env.uri(in), env.uri(out), TranslateJob.Mode.COLORIZE,
                new TranslateJob.Options(null, null, null, null, null, null, 3, 11L)), jobId);

        JobEvent end = env.events.awaitTerminal(jobId, Duration.ofSeconds(120));
        assertEquals(EventType.COMPLETED, end.type(), () -> "ended " + end);
        int n = inputs.size();
        assertEquals(Map.of("inputs", (long) n + 1, "outputs", (long) n, "failed", 1L, "skippedExisting", 0L),
                end.counts());

        // events: accepted first (with the total), one item-failed naming the corrupt file, progress, completed last
        List<JobEvent> events = env.events.events(jobId);
        assertEquals(EventType.ACCEPTED, events.get(0).type());
        assertEquals(n + 1, events.get(0).total());
        assertEquals(EventType.COMPLETED, events.get(events.size() - 1).type());
        List<JobEvent> itemFailed = events.stream().filter(e -> e.type() == EventType.ITEM_FAILED).toList();
        assertEquals(1, itemFailed.size(), () -> "item-failed events: " + itemFailed);
        assertEquals(env.uri(in + "broken.png"), itemFailed.get(0).key());
        assertNotNull(itemFailed.get(0).reason());
        long shards = (n + 1 + 2) / 3;
        assertEquals(shards, events.stream().filter(e -> e.type() == EventType.PROGRESS).count());
        assertEquals(1, events.stream().filter(e -> e.type().terminal()).count());

        // outputs: one PNG per good input, same relative path, exact pixel size
        List<String> expected = new ArrayList<>();
        for (String k : inputs.keySet()) {
            expected.add(k.substring(0, k.lastIndexOf('.')) + ".png");
        }
        expected.add("stale.png"); // was there before; as an input below the output prefix it was skipped
        expected.sort(null);
        assertEquals(expected, env.outputKeys(out));
        for (Map.Entry<String, int[]> e : inputs.entrySet()) {
            String key = out + e.getKey().substring(0, e.getKey().lastIndexOf('.')) + ".png";
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(env.store.get(S3Uri.parse(env.uri(key)))));
            assertEquals(e.getValue()[0], img.getWidth(), key);
            assertEquals(e.getValue()[1], img.getHeight(), key);
        }

        // the job's manifest (under _manifest/<jobId>/): every input exactly once, with status and provenance
        String manifest = new String(env.store.get(S3Uri.parse(env.uri(out + ItEnv.manifest(jobId)))), StandardCharsets.UTF_8);
        List<ManifestLine> lines = manifest.lines().map(l -> Json.read(l, ManifestLine.class)).toList();
        assertEquals(n + 1, lines.size());
        Set<String> seen = new HashSet<>();
        for (ManifestLine l : lines) {
            assertTrue(seen.add(l.input()), "twice in manifest: " + l.input());
            assertEquals(jobId, l.jobId());
            assertEquals(model, l.modelUri());
            assertNotNull(l.modelEtag());
            assertNotNull(l.codeVersion());
            assertEquals(11L, l.seed());
            if (l.input().endsWith("broken.png")) {
                assertEquals(ManifestLine.FAILED, l.status());
                assertNotNull(l.reason());
            } else {
                assertEquals(ManifestLine.OK, l.status(), l.toString());
                assertTrue(env.store.exists(S3Uri.parse(l.output())), l.output());
            }
        }

        // contact sheet: index with before/after thumbnails linking the outputs, failure listed
        String index = new String(env.store.get(S3Uri.parse(env.uri(out + "_contact/" + jobId + ".html"))),
                StandardCharsets.UTF_8);
        assertTrue(index.contains("broken.png"), index);
        assertTrue(index.contains("href=\"../sub/c.png\""), index);
        assertTrue(env.store.exists(S3Uri.parse(env.uri(out + "_contact/thumbs/sub/c.png.after.jpg"))));
        assertTrue(env.store.exists(S3Uri.parse(env.uri(out + "_contact/thumbs/a.png.before.jpg"))));

        // metrics and health of the worker
        String metrics = worker.body("/q/metrics");
        assertTrue(metrics.contains("pix2pix_infer_items_total{status=\"ok\"}"), metrics);
        assertTrue(metrics.contains("pix2pix_infer_shards_total"), metrics);
        String health = worker.body("/q/health");
        assertTrue(health.contains("\"s3\"") && health.contains("\"engine\""), health);

        // submitting the same job again (a redelivery) does not redo it
        env.submit(TranslateJob.ofPrefix(jobId, model, env.uri(in), env.uri(out), TranslateJob.Mode.COLORIZE,
                new TranslateJob.Options(null, null, null, null, null, null, 3, 11L)), jobId);
        String marker = "marker-" + System.nanoTime();
        env.submit(TranslateJob.ofObjects(marker, model, List.of(env.uri(in + "a.png")), env.uri("marker/"), null,
                null), marker);
        assertEquals(EventType.COMPLETED, env.events.awaitTerminal(marker, Duration.ofSeconds(60)).type());
        assertEquals(events.size(), env.events.events(jobId).size(), "a resubmitted job produced events");
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicAndTheNextJobStillRuns() throws Exception {
        env.put("poison/in/x.png", ItEnv.image(20, 30, true, "png", 7));
        env.send(Topics.TRANSLATE_JOBS, "garbage", "{this is not json");
        // valid JSON with a readable jobId but no model/output: schema violation -> DLQ + failed
        env.send(Topics.TRANSLATE_JOBS, "schema-bad", "{\"schemaVersion\":\"1.0\",\"jobId\":\"schema-bad\"}");
        String good = "after-poison";
        env.submit(TranslateJob.ofPrefix(good, model, env.uri("poison/in/"), env.uri("poison/out/"), null, null), good);

        assertEquals(EventType.COMPLETED, env.events.awaitTerminal(good, Duration.ofSeconds(90)).type());
        assertEquals(List.of("x.png"), env.outputKeys("poison/out/"));

        JobEvent failed = env.events.awaitTerminal("schema-bad", Duration.ofSeconds(10));
        assertEquals(EventType.FAILED, failed.type());
        assertTrue(failed.reason().contains("model"), failed.reason());

        List<ConsumerRecord<String, String>> dead = awaitDeadLetters("garbage", "schema-bad");
        ConsumerRecord<String, String> garbage = dead.stream().filter(r -> "garbage".equals(r.key())).findFirst()
                .orElseThrow();
        assertEquals("{this is not json", garbage.value());
        assertTrue(header(garbage, DeadLetters.ERROR).contains("not valid JSON"), header(garbage, DeadLetters.ERROR));
        assertEquals(env.topic(Topics.TRANSLATE_JOBS), header(garbage, DeadLetters.SOURCE_TOPIC));
        assertTrue(dead.stream().anyMatch(r -> "schema-bad".equals(r.key())));
    }

    /**
     * A generator checkpoint written by the real torch.save (the committed parity fixture of
     * common's TorchParityIT), named directly by its .pth URI: the job translates with it, and
     * every output equals what the engine computes in-process from the same file.
     */
    @Test
    void translatesWithAReferencePthNamedDirectly() throws Exception {
        Path pth = ItEnv.REFERENCE_PTH;
        assertTrue(Files.isRegularFile(pth), pth.toAbsolutePath().toString());
        env.put("pthjob/models/latest_net_G.pth", Files.readAllBytes(pth));
        String pthUri = env.uri("pthjob/models/latest_net_G.pth");
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put("facade.png", ItEnv.image(96, 130, false, "png", 21));
        inputs.put("wide/street.jpg", ItEnv.image(200, 90, false, "jpg", 22));
        inputs.put("gray.png", ItEnv.image(64, 64, true, "png", 23));
        inputs.forEach((k, v) -> env.put("pthjob/in/" + k, v));
        String jobId = "reference-pth";
        TranslateJob.Options options = new TranslateJob.Options(null, 128, null, null, null, null, 2, 5L);
        env.submit(TranslateJob.ofPrefix(jobId, pthUri, env.uri("pthjob/in/"), env.uri("pthjob/out/"),
                TranslateJob.Mode.TRANSLATE, options), jobId);
        JobEvent end = env.events.awaitTerminal(jobId, Duration.ofSeconds(120));
        assertEquals(EventType.COMPLETED, end.type(), () -> "ended " + end);
        assertEquals(List.of("facade.png", "gray.png", "wide/street.png"), env.outputKeys("pthjob/out/"));

        for (ItEnv.OutputCheck c : env.compareWithInProcess(pth, inputs, "pthjob/out/",
                new dev.pix2pix.infer.InferenceSettings(128, false, 1, 5L))) {
            assertTrue(c.maxDiffFromInProcess() <= 0.5 / 255 + 1e-4,
                    c.key() + ": differs from the in-process result by " + c.maxDiffFromInProcess());
            assertTrue(c.maxDiffFromInput() > 0.05, c.key() + ": output is (nearly) the input");
        }
        String manifest = new String(env.store.get(S3Uri.parse(env.uri("pthjob/out/" + ItEnv.manifest(jobId)))),
                StandardCharsets.UTF_8);
        for (String line : manifest.lines().toList()) {
            ManifestLine l = Json.read(line, ManifestLine.class);
            assertEquals(pthUri, l.modelUri());
            assertNotNull(l.modelEtag());
        }
    }

    /** A CycleGAN folder holds both generators: the job's direction picks one (G_B here), the shards run it. */
    @Test
    void translatesWithTheGeneratorADirectionPicksFromACycleGanFolder() throws Exception {
        Path local = Files.createTempDirectory("it-cyclegan");
        String folder = env.uploadCycleGanFolder("cgjob/models/", local);
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put("one.png", ItEnv.image(80, 60, false, "png", 31));
        inputs.put("two.png", ItEnv.image(64, 64, true, "png", 32));
        inputs.forEach((k, v) -> env.put("cgjob/in/" + k, v));
        String jobId = "cyclegan-btoa";
        TranslateJob job = TranslateJob.ofPrefix(jobId, folder, env.uri("cgjob/in/"), env.uri("cgjob/out/"),
                TranslateJob.Mode.TRANSLATE, new TranslateJob.Options(true, 64, null, null, null, null, 1, 5L));
        env.submit(new TranslateJob(job.schemaVersion(), jobId, job.model(), job.input(), null, job.output(), job.mode(),
                job.options(), dev.pix2pix.msg.TrainJob.Direction.BTOA), jobId);
        JobEvent end = env.events.awaitTerminal(jobId, Duration.ofSeconds(120));
        assertEquals(EventType.COMPLETED, end.type(), () -> "ended " + end);
        assertEquals(List.of("one.png", "two.png"), env.outputKeys("cgjob/out/"));
        checkAgainstGeneratorB(local, inputs);
        String manifest = new String(env.store.get(S3Uri.parse(env.uri("cgjob/out/" + ItEnv.manifest(jobId)))),
                StandardCharsets.UTF_8);
        for (String line : manifest.lines().toList()) {
            assertEquals(folder + "BtoA/", Json.read(line, ManifestLine.class).modelUri(), line);
        }

        // a direction names a generator of a CycleGAN folder: on a one-generator model it is refused by name
        String refused = "direction-on-one-generator";
        TranslateJob one = TranslateJob.ofPrefix(refused, model, env.uri("cgjob/in/"), env.uri("cgjob/out-refused/"),
                null, null);
        env.submit(new TranslateJob(one.schemaVersion(), refused, one.model(), one.input(), null, one.output(), null,
                null, dev.pix2pix.msg.TrainJob.Direction.BTOA), refused);
        assertFailed(refused, "CycleGAN folder");
    }

    /** The worker's outputs against G_B run in process (BtoA/ chosen locally the same way). */
    private static void checkAgainstGeneratorB(Path local, Map<String, byte[]> inputs) throws Exception {
        {
            Path picked = dev.pix2pix.model.ModelFolder.pick(local, "BtoA");
            assertEquals(local.resolve("BtoA"), picked);
            for (ItEnv.OutputCheck c : env.compareWithInProcess(picked, inputs, "cgjob/out/",
                    new dev.pix2pix.infer.InferenceSettings(64, true, 1, 5L))) {
                assertTrue(c.maxDiffFromInProcess() <= 0.5 / 255 + 1e-4,
                        c.key() + ": differs from G_B in process by " + c.maxDiffFromInProcess());
            }
            // and G_A would have given something else: the direction mattered
            List<ItEnv.OutputCheck> withA = env.compareWithInProcess(local.resolve("AtoB"), inputs, "cgjob/out/",
                    new dev.pix2pix.infer.InferenceSettings(64, true, 1, 5L));
            assertTrue(withA.stream().anyMatch(c -> c.maxDiffFromInProcess() > 0.02), "G_A's outputs are not G_B's");
        }
    }

    @Test
    void refusedJobsFailNamingTheProblem() throws Exception {
        env.put("refused/in/x.png", ItEnv.image(20, 30, true, "png", 7));
        String in = env.uri("refused/in/");
        String out = env.uri("refused/out/");
        env.submit(TranslateJob.ofPrefix("not-allowed", model, "s3://other-bucket/in/", out, null, null), "not-allowed");
        env.submit(TranslateJob.ofPrefix("no-model", env.uri("models/missing/"), in, out, null, null), "no-model");
        env.submit(TranslateJob.ofPrefix("pth", env.uri("models/latest_net_G.pth"), in, out, null, null), "pth");
        env.submit(TranslateJob.ofPrefix("no-inputs", model, env.uri("nothing/here/"), out, null, null), "no-inputs");
        env.submit(TranslateJob.ofPrefix("wrong-mode", model, in, out, TranslateJob.Mode.TRANSLATE, null), "wrong-mode");

        assertFailed("not-allowed", "other-bucket");
        assertFailed("no-model", "models/missing/model.json");
        assertFailed("pth", "models/latest_net_G.pth"); // a .pth that is not there is named
        assertFailed("no-inputs", "nothing/here/");
        assertFailed("wrong-mode", "colorize");
        assertTrue(env.outputKeys("refused/out/").isEmpty());
    }

    /**
     * Jobs that can never succeed end with a failed event at once (the issue asks within 2 minutes of
     * submission; here the whole test gets less): a render size the network cannot take, an output URI
     * with an empty path segment (refused by the schema: dead-lettered), inputs whose output names
     * collide (naming both), a job over the worker's limits.
     */
    @Test
    void jobsThatCanNeverSucceedFailFastWithAReason() throws Exception {
        env.put("fast/in/a.png", ItEnv.image(20, 30, true, "png", 7));
        env.put("fast/in/a.jpg", ItEnv.image(20, 30, true, "jpg", 8));
        env.put("fast/ok/x.png", ItEnv.image(20, 30, true, "png", 9));
        long t0 = System.nanoTime();
        env.submit(TranslateJob.ofPrefix("render-100", model, env.uri("fast/ok/"), env.uri("fast/out1/"), null,
                new TranslateJob.Options(null, 100, null, null, null, null, null, null)), "render-100");
        env.send(Topics.TRANSLATE_JOBS, "double-slash", "{\"schemaVersion\":\"1.0\",\"jobId\":\"double-slash\","
                + "\"model\":\"" + model + "\",\"input\":\"" + env.uri("fast/ok/") + "\",\"output\":\"s3://"
                + env.bucket + "//x/\"}");
        env.submit(TranslateJob.ofPrefix("collide", model, env.uri("fast/in/"), env.uri("fast/out2/"), null, null),
                "collide");
        env.submit(TranslateJob.ofPrefix("too-big", model, env.uri("fast/ok/"), env.uri("fast/out3/"), null,
                new TranslateJob.Options(null, null, null, null, null, 5_000_000_000L, null, null)), "too-big");

        JobEvent render = env.events.awaitTerminal("render-100", Duration.ofMinutes(2));
        assertEquals("REFUSED", render.code(), render::toString);
        assertTrue(render.reason().contains("multiple of 64"), render.reason());
        JobEvent slash = env.events.awaitTerminal("double-slash", Duration.ofMinutes(2));
        assertEquals("INVALID", slash.code(), slash::toString);
        JobEvent collide = env.events.awaitTerminal("collide", Duration.ofMinutes(2));
        assertEquals("REFUSED", collide.code(), collide::toString);
        assertTrue(collide.reason().contains("a.jpg and a.png would both be written as a.png"), collide.reason());
        JobEvent big = env.events.awaitTerminal("too-big", Duration.ofMinutes(2));
        assertEquals(EventType.FAILED, big.type(), big::toString);
        assertTrue(big.reason().contains("maxPixels"), big.reason());
        assertTrue((System.nanoTime() - t0) / 1e9 < 120, "refusals took more than 2 minutes");
        for (String id : List.of("render-100", "double-slash", "collide", "too-big")) {
            assertEquals(1, env.events.events(id).stream().filter(e -> e.type().terminal()).count(), id);
        }
        assertTrue(env.outputKeys("fast/out2/").isEmpty(), "nothing written for a refused job");
    }

    /** Two jobs writing to one output prefix: each ends once, with its own book-keeping and contact page. */
    @Test
    void twoJobsOnOneOutputPrefixKeepTheirBookKeepingApart() throws Exception {
        env.put("shared/in1/p.png", ItEnv.image(40, 30, true, "png", 1));
        env.put("shared/in1/q.png", ItEnv.image(40, 30, true, "png", 2));
        env.put("shared/in2/r.png", ItEnv.image(40, 30, true, "png", 3));
        String out = env.uri("shared/out/");
        env.submit(TranslateJob.ofPrefix("first-of-two", model, env.uri("shared/in1/"), out, null,
                new TranslateJob.Options(null, null, null, null, null, null, 1, null)), "first-of-two");
        env.submit(TranslateJob.ofPrefix("second-of-two", model, env.uri("shared/in2/"), out, null,
                new TranslateJob.Options(null, null, null, null, null, null, 1, null)), "second-of-two");
        JobEvent a = env.events.awaitTerminal("first-of-two", Duration.ofMinutes(2));
        JobEvent b = env.events.awaitTerminal("second-of-two", Duration.ofMinutes(2));
        assertEquals(EventType.COMPLETED, a.type(), a::toString);
        assertEquals(EventType.COMPLETED, b.type(), b::toString);
        assertEquals(2L, a.counts().get("outputs"));
        assertEquals(1L, b.counts().get("outputs"));
        assertEquals(List.of("p.png", "q.png", "r.png"), env.outputKeys("shared/out/"));
        assertTrue(env.store.exists(S3Uri.parse(env.uri("shared/out/" + ItEnv.manifest("first-of-two")))));
        assertTrue(env.store.exists(S3Uri.parse(env.uri("shared/out/" + ItEnv.manifest("second-of-two")))));
        assertTrue(env.store.exists(S3Uri.parse(env.uri("shared/out/_contact/second-of-two.html"))));
    }

    @Test
    void cancelStopsTheRemainingShardsAndIsReportedOnce() throws Exception {
        for (int i = 0; i < 20; i++) {
            env.put("cancel/in/p" + (10 + i) + ".png", ItEnv.image(200, 180 + i, true, "png", i));
        }
        String jobId = "to-cancel";
        env.submit(TranslateJob.ofPrefix(jobId, model, env.uri("cancel/in/"), env.uri("cancel/out/"), null,
                new TranslateJob.Options(null, 256, null, null, null, null, 2, null)), jobId);
        env.events.await(jobId, e -> e.type() == EventType.PROGRESS, Duration.ofSeconds(60));
        env.send(Topics.CONTROL, jobId, Json.write(new dev.pix2pix.msg.CancelJob("1.0", jobId, "operator said so")));

        JobEvent end = env.events.awaitTerminal(jobId, Duration.ofSeconds(60));
        assertEquals(EventType.CANCELLED, end.type(), end::toString);
        assertEquals("operator said so", end.reason());
        assertTrue(env.outputKeys("cancel/out/").size() < 20, "cancel came too late to stop anything");
        assertTrue(!env.store.exists(S3Uri.parse(env.uri("cancel/out/" + ItEnv.manifest(jobId)))));

        // the worker goes on with other jobs, and the cancelled job stays cancelled, once
        String next = "after-cancel";
        env.submit(TranslateJob.ofObjects(next, model, List.of(env.uri("cancel/in/p10.png")), env.uri("cancel/next/"),
                null, null), next);
        assertEquals(EventType.COMPLETED, env.events.awaitTerminal(next, Duration.ofSeconds(60)).type());
        Thread.sleep(2000);
        assertEquals(List.of(EventType.CANCELLED), env.events.events(jobId).stream().map(JobEvent::type)
                .filter(EventType::terminal).toList());
    }

    private void assertFailed(String jobId, String mention) throws InterruptedException {
        JobEvent e = env.events.awaitTerminal(jobId, Duration.ofSeconds(60));
        assertEquals(EventType.FAILED, e.type(), e::toString);
        assertTrue(e.reason().contains(mention), () -> jobId + ": " + e.reason());
    }

    /** The dead letters with these keys, once each (other tests of the class dead-letter other keys). */
    private static List<ConsumerRecord<String, String>> awaitDeadLetters(String... keys) throws InterruptedException {
        Set<String> wanted = Set.of(keys);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<String, String>> mine = List.of();
        while (System.nanoTime() < deadline) {
            mine = env.dlq.records().stream().filter(r -> wanted.contains(r.key())).toList();
            if (mine.size() >= keys.length) {
                break;
            }
            Thread.sleep(200);
        }
        final List<ConsumerRecord<String, String>> found = mine;
        assertEquals(keys.length, found.size(), () -> "dead letters: " + env.dlq.records());
        return found;
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
