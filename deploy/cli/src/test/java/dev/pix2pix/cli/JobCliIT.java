package dev.pix2pix.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pix2pix.msg.CancelJob;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.JobValidator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.msg.Validated;
import dev.pix2pix.stack.LocalKafka;
import dev.pix2pix.stack.LocalS3;
import dev.pix2pix.stack.SharedStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job commands against a real Kafka broker and a real S3Proxy (deploy/stack's SharedStack):
 * what they publish is read back from the topics, what workers would publish is produced here.
 */
class JobCliIT {
    static {
        // the Kafka clients log every config at INFO
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
    }

    private static final ObjectMapper JSON = Json.mapper();
    private static final JobValidator VALIDATOR = new JobValidator();
    private static LocalKafka kafka;
    private static LocalS3 s3;

    @BeforeAll
    static void servers() {
        kafka = SharedStack.kafka();
        s3 = SharedStack.s3();
        kafka.createTopic(Topics.TRAIN_JOBS, 2);
        kafka.createTopic(Topics.TRANSLATE_JOBS, 2);
        kafka.createTopic(Topics.EVENTS, 3);
        kafka.createTopic(Topics.CONTROL, 1);
    }

    /** Runs the CLI in process with the connection flags of the shared servers. */
    static CliRun cli(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--s3-endpoint", s3.endpoint(),
                "--s3-access-key", s3.accessKey(), "--s3-secret-key", s3.secretKey()));
        return raw(all.toArray(String[]::new));
    }

    static CliRun raw(String... args) {
        return CliRun.of(args);
    }

    @Test
    void uploadThenDownloadRoundTripsFiles(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src");
        Random r = new Random(7);
        for (String name : List.of("a.png", "sub/b.bin", "sub/deeper/c.txt")) {
            byte[] data = new byte[1000 + r.nextInt(50_000)];
            r.nextBytes(data);
            Files.createDirectories(src.resolve(name).getParent());
            Files.write(src.resolve(name), data);
        }
        CliRun up = cli("upload", src.toString(), "s3://jobcli-roundtrip/data/");
        assertEquals(0, up.code(), up.err());
        assertTrue(up.err().contains("uploaded 3 file(s)"), up.err());

        Path dst = tmp.resolve("dst");
        CliRun down = cli("download", "s3://jobcli-roundtrip/data", dst.toString());
        assertEquals(0, down.code(), down.err());
        List<String> files;
        try (Stream<Path> s = Files.walk(dst)) {
            files = s.filter(Files::isRegularFile).map(p -> dst.relativize(p).toString()).sorted().toList();
        }
        assertEquals(List.of("a.png", "sub/b.bin", "sub/deeper/c.txt"), files);
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(dst.resolve(f)), f);
        }

        CliRun empty = cli("download", "s3://jobcli-roundtrip/nothing-here/", tmp.resolve("none").toString());
        assertEquals(1, empty.code(), "an empty prefix is an error: " + empty.err());
    }

    /**
     * What the workers would refuse anyway is refused before publishing when the CLI can read it: a
     * render size the model's network cannot take (from its model.json) and inputs whose output names
     * collide (from the input listing), and an empty path segment in a URI (schema).
     */
    @Test
    void jobsTheWorkersWouldRefuseAreRefusedBeforePublishing() throws Exception {
        String bucket = "preflight";
        try (dev.pix2pix.store.ObjectStore store = new dev.pix2pix.store.ObjectStore(
                dev.pix2pix.store.StoreConfig.of(s3.endpoint(), s3.accessKey(), s3.secretKey()))) {
            store.ensureBucket(bucket);
            dev.pix2pix.model.ModelSpec spec = new dev.pix2pix.model.ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 1, 2,
                    true, true);
            dev.pix2pix.model.ModelInfo info = new dev.pix2pix.model.ModelInfo(dev.pix2pix.model.ModelInfo.FORMAT, spec,
                    "colorize", "color", null, 64, 0, 0, "test", "2026-01-01T00:00:00Z", "preflight");
            store.put(dev.pix2pix.store.S3Uri.parse("s3://preflight/model/model.json"),
                    Json.write(info).getBytes(StandardCharsets.UTF_8), "application/json");
            store.put(dev.pix2pix.store.S3Uri.parse("s3://preflight/in/a.png"), new byte[] {1}, "image/png");
            store.put(dev.pix2pix.store.S3Uri.parse("s3://preflight/in/a.jpg"), new byte[] {1}, "image/jpeg");
            store.put(dev.pix2pix.store.S3Uri.parse("s3://preflight/ok/b.png"), new byte[] {1}, "image/png");
        }
        long before = records(Topics.TRANSLATE_JOBS);
        CliRun render = cli("submit", "colorize", "--model", "s3://" + bucket + "/model/", "--input", "s3://" + bucket
                + "/ok/", "--output", "s3://" + bucket + "/out/", "--render-size", "100");
        assertEquals(2, render.code(), render.err());
        assertTrue(render.err().contains("nothing was published") && render.err().contains("multiple of 64"),
                render.err());
        CliRun collide = cli("submit", "colorize", "--model", "s3://" + bucket + "/model/", "--input", "s3://" + bucket
                + "/in/", "--output", "s3://" + bucket + "/out/");
        assertEquals(2, collide.code(), collide.err());
        assertTrue(collide.err().contains("a.jpg and a.png would both be written as a.png"), collide.err());
        CliRun slash = cli("submit", "colorize", "--model", "s3://" + bucket + "/model/", "--input", "s3://" + bucket
                + "/ok/", "--output", "s3://" + bucket + "//out/");
        assertEquals(2, slash.code(), slash.err());
        assertTrue(slash.err().contains("/output"), slash.err());
        assertEquals(before, records(Topics.TRANSLATE_JOBS), "nothing may reach the topics");
        CliRun fine = cli("submit", "colorize", "--model", "s3://" + bucket + "/model/", "--input", "s3://" + bucket
                + "/ok/", "--output", "s3://" + bucket + "/out/");
        assertEquals(0, fine.code(), fine.err());
    }

    @Test
    void invalidSpecIsRefusedBeforePublishing(@TempDir Path tmp) throws Exception {
        long before = records(Topics.TRAIN_JOBS) + records(Topics.TRANSLATE_JOBS);
        Path spec = tmp.resolve("bad.json");
        Files.writeString(spec, """
                {"schemaVersion": "1.0", "jobId": "bad-spec-1", "dataset": "s3://pix2pix/d/",
                 "layout": "sideways", "output": "s3://pix2pix/m/", "options": {"ngf": 0}}""");
        CliRun r = cli("submit", "--spec", spec.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("nothing was published"), r.err());
        assertTrue(r.err().contains("/layout"), r.err());
        assertTrue(r.err().contains("/options/ngf"), r.err());

        Path translate = tmp.resolve("bad-translate.json");
        Files.writeString(translate, """
                {"schemaVersion": "1.0", "jobId": "bad-spec-2", "model": "s3://pix2pix/m/",
                 "input": "s3://pix2pix/in/", "inputs": ["s3://pix2pix/in/a.png"], "output": "s3://pix2pix/out/"}""");
        CliRun r2 = cli("submit", "--spec", translate.toString());
        assertEquals(2, r2.code(), r2.err());

        CliRun flags = cli("submit", "translate", "--model", "not-s3", "--input", "s3://pix2pix/in/", "--output",
                "s3://pix2pix/out/");
        assertEquals(2, flags.code(), flags.err());
        assertTrue(flags.err().contains("/model"), flags.err());

        assertEquals(before, records(Topics.TRAIN_JOBS) + records(Topics.TRANSLATE_JOBS), "nothing may reach the topics");
    }

    @Test
    void validSubmitPublishesARecordKeyedByJobIdThatValidates(@TempDir Path tmp) throws Exception {
        CliRun r = cli("submit", "train", "--dataset", "s3://pix2pix/demo/train/", "--layout", "color", "--output",
                "s3://pix2pix/demo/model/", "--netG", "unet_64", "--ngf", "16", "--epochs", "3", "--epochs-decay", "1",
                "--batch", "4", "--size", "64", "--load-size", "72", "--lambda-l1", "50", "--no-flip", "--seed", "5",
                "--preprocess", "scale_width_and_crop", "--serial-batches");
        assertEquals(0, r.code(), r.err());
        String jobId = r.lastLine().strip();
        assertTrue(jobId.startsWith("train-"), jobId);

        ConsumerRecord<String, String> rec = find(Topics.TRAIN_JOBS, jobId);
        Validated<TrainJob> v = VALIDATOR.train(rec.value());
        assertTrue(v.ok(), v.violations().toString());
        TrainJob job = v.value();
        assertEquals(jobId, job.jobId());
        assertEquals(TrainJob.Layout.COLOR, job.layout());
        assertEquals("s3://pix2pix/demo/train/", job.dataset());
        assertEquals("unet_64", job.options().netG());
        assertEquals(16, job.options().ngf());
        assertEquals(3, job.options().epochs());
        assertEquals(1, job.options().epochsDecay());
        assertEquals(4, job.options().batch());
        assertEquals(72, job.options().loadSize());
        assertEquals(50.0, job.options().lambdaL1());
        assertEquals(Boolean.TRUE, job.options().noFlip());
        assertEquals(5L, job.options().seed());
        assertEquals("scale_width_and_crop", job.options().preprocess());
        assertEquals(Boolean.TRUE, job.options().serialBatches());
        assertEquals(null, job.options().ndf(), "options not given stay unset (engine default)");

        Path spec = tmp.resolve("translate.json");
        Files.writeString(spec, """
                {"schemaVersion": "1.0", "jobId": "spec-translate-1", "model": "s3://pix2pix/m/",
                 "input": "s3://pix2pix/in/", "output": "s3://pix2pix/out/", "mode": "colorize",
                 "options": {"outputFormat": "jpeg", "jpegQuality": 90}}""");
        CliRun s = cli("submit", "--spec", spec.toString());
        assertEquals(0, s.code(), s.err());
        assertEquals("spec-translate-1", s.lastLine().strip());
        ConsumerRecord<String, String> t = find(Topics.TRANSLATE_JOBS, "spec-translate-1");
        Validated<TranslateJob> tv = VALIDATOR.translate(t.value());
        assertTrue(tv.ok(), tv.violations().toString());
        assertEquals(TranslateJob.Mode.COLORIZE, tv.value().mode());
        assertEquals(TranslateJob.Format.JPEG, tv.value().options().outputFormat());

        CliRun c = cli("submit", "colorize", "--job-id", "flags-colorize-1", "--model", "s3://pix2pix/m/", "--input",
                "s3://pix2pix/in/a.png", "s3://pix2pix/in/b.png", "--output", "s3://pix2pix/out/", "--format", "same",
                "--full-resolution");
        assertEquals(0, c.code(), c.err());
        TranslateJob cj = VALIDATOR.translate(find(Topics.TRANSLATE_JOBS, "flags-colorize-1").value()).orThrow();
        assertEquals(List.of("s3://pix2pix/in/a.png", "s3://pix2pix/in/b.png"), cj.inputs());
        assertEquals(null, cj.input());
        assertEquals(TranslateJob.Format.SAME, cj.options().outputFormat());
        assertEquals(Boolean.TRUE, cj.options().fullResolution());
    }

    @Test
    void cancelPublishesACancelJob() throws Exception {
        CliRun r = cli("cancel", "job-to-cancel-7", "--reason", "changed my mind");
        assertEquals(0, r.code(), r.err());
        ConsumerRecord<String, String> rec = find(Topics.CONTROL, "job-to-cancel-7");
        CancelJob c = VALIDATOR.cancel(rec.value()).orThrow();
        assertEquals("job-to-cancel-7", c.jobId());
        assertEquals("changed my mind", c.reason());

        CliRun bad = cli("cancel", "no spaces allowed");
        assertEquals(2, bad.code(), bad.err());
    }

    @Test
    void jobsAndWatchReadEventsFromTheTopic() throws Exception {
        String a = "events-a-" + System.nanoTime();
        String b = "events-b-" + System.nanoTime();
        publishEvents(
                JobEvent.builder(a, EventType.ACCEPTED).build(),
                JobEvent.builder(b, EventType.ACCEPTED).build(),
                JobEvent.builder(a, EventType.EPOCH).epoch(1).losses(Map.of("G_L1", 0.5)).build(),
                JobEvent.builder(a, EventType.PROGRESS).done(10).total(20).build(),
                JobEvent.builder(b, EventType.ITEM_FAILED).key("s3://x/y/broken.png").reason("CORRUPT").build(),
                JobEvent.builder(a, EventType.COMPLETED).outputs(List.of("s3://pix2pix/m/")).build(),
                JobEvent.builder(b, EventType.FAILED).reason("no images").build());

        CliRun jobs = cli("jobs", "--json", "--limit", "0");
        assertEquals(0, jobs.code(), jobs.err());
        JsonNode ja = null, jb = null;
        for (String line : jobs.out().strip().split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (n.get("jobId").asText().equals(a)) ja = n;
            if (n.get("jobId").asText().equals(b)) jb = n;
        }
        assertNotNull(ja, jobs.out());
        assertNotNull(jb, jobs.out());
        assertEquals("completed", ja.get("state").asText());
        assertEquals(1, ja.get("epoch").asInt());
        assertEquals("failed", jb.get("state").asText());
        assertEquals(1, jb.get("itemsFailed").asInt());
        CliRun table = cli("jobs");
        assertTrue(table.out().contains(a) && table.out().contains("completed"), table.out());

        CliRun wa = cli("watch", a, "--json", "--timeout", "30");
        assertEquals(0, wa.code(), wa.err());
        JobEvent end = Json.read(wa.lastLine(), JobEvent.class);
        assertEquals(EventType.COMPLETED, end.type());
        assertTrue(wa.err().contains("epoch 1"), wa.err());
        CliRun wb = cli("watch", b, "--timeout", "30");
        assertEquals(1, wb.code(), "a failed job exits 1: " + wb.err());
        assertTrue(wb.err().contains("CORRUPT"), wb.err());

        // a job that has not ended yet: watch waits for events published later
        String c = "events-c-" + System.nanoTime();
        CompletableFuture<CliRun> watching = CompletableFuture.supplyAsync(() -> cli("watch", c, "--json", "--timeout", "60"));
        Thread.sleep(1500);
        assertFalse(watching.isDone(), "watch must wait for the end");
        publishEvents(JobEvent.builder(c, EventType.ACCEPTED).build(),
                JobEvent.builder(c, EventType.ITEM_FAILED).shard(0).key("s3://x/c.png").reason("CORRUPT").build(),
                JobEvent.builder(c, EventType.CANCELLED).shard(0).reason("user").build());
        CliRun wc = watching.get(60, TimeUnit.SECONDS);
        assertEquals(3, wc.code(), "a cancelled job exits 3: " + wc.err());
        assertEquals(EventType.CANCELLED, Json.read(wc.lastLine(), JobEvent.class).type());
    }

    @Test
    void submitWaitFollowsTheJobToItsEnd() throws Exception {
        String id = "wait-" + System.nanoTime();
        CompletableFuture<CliRun> submitting = CompletableFuture.supplyAsync(() -> cli("submit", "colorize", "--job-id", id,
                "--model", "s3://pix2pix/m/", "--input", "s3://pix2pix/in/", "--output", "s3://pix2pix/out/", "--wait",
                "--json", "--timeout", "60"));
        // play the worker: see the job, then report on it
        ConsumerRecord<String, String> job = find(Topics.TRANSLATE_JOBS, id);
        assertTrue(VALIDATOR.translate(job.value()).ok());
        publishEvents(JobEvent.builder(id, EventType.ACCEPTED).build(),
                JobEvent.builder(id, EventType.PROGRESS).done(1).total(2).build(),
                JobEvent.builder(id, EventType.COMPLETED).counts(Map.of("succeeded", 2L)).build());
        CliRun r = submitting.get(60, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.err());
        JobEvent end = Json.read(r.lastLine(), JobEvent.class);
        assertEquals(id, end.jobId());
        assertEquals(EventType.COMPLETED, end.type());
        assertEquals(2L, end.counts().get("succeeded"));
    }

    @Test
    void withoutAnyConnectionSettingsTheErrorSaysWhatToDo(@TempDir Path empty) {
        if (System.getenv("KAFKA_BOOTSTRAP_SERVERS") != null) {
            return; // the environment supplies one
        }
        CliRun r = raw("jobs", "--stack-dir", empty.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--bootstrap-servers") && r.err().contains("stack up"), r.err());
    }

    // ---- helpers: plain Kafka clients, independent of the code under test ----

    private static void publishEvents(JobEvent... events) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (JobEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, e.jobId(), Json.write(e))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** Total records in a topic (sum of end offsets). */
    private static long records(String topic) {
        try (KafkaConsumer<String, String> c = consumer()) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The record with key {@code key}, waiting up to 30 s for it. */
    private static ConsumerRecord<String, String> find(String topic, String key) {
        try (KafkaConsumer<String, String> c = consumer()) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
                    if (key.equals(r.key())) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record keyed " + key + " on " + topic);
    }
}
