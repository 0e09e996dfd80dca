package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.EventLog;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.infer.InferenceSettings;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.infer.Translator;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.UnetGenerator;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TopicSpec;
import dev.pix2pix.msg.Topics;
import dev.pix2pix.store.ObjectStore;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.store.StoreConfig;
import dev.pix2pix.stack.LocalKafka;
import dev.pix2pix.stack.LocalS3;
import dev.pix2pix.stack.SharedStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One IT's world on the shared real Kafka and S3Proxy: its own topic names, consumer group and
 * bucket (so tests sharing the servers do not see each other), a tiny colorize model in S3, and
 * the settings that point a worker process at all of it.
 */
final class ItEnv implements AutoCloseable {
    final String name;
    final LocalKafka kafka;
    final LocalS3 s3;
    final String bucket;
    final String prefix;
    final ObjectStore store;
    final KafkaProducer<String, String> producer;
    final EventLog events;
    final EventLog dlq;

    ItEnv(String name) {
        this(name, SharedStack.kafka(), SharedStack.s3(), false);
    }

    /** On servers of the test's own (a fault test's {@link dev.pix2pix.stack.PrivateStack}). */
    ItEnv(String name, LocalKafka kafka, LocalS3 s3) {
        this(name, kafka, s3, false);
    }

    /** On {@code kafka} and the shared S3; with {@code declareTopics} see below. */
    ItEnv(String name, LocalKafka kafka, boolean declareTopics) {
        this(name, kafka, SharedStack.s3(), declareTopics);
    }

    /**
     * With {@code declareTopics} every topic of the inventory is created first (with this
     * environment's names), as a cluster whose topics are declared would hold them.
     */
    ItEnv(String name, LocalKafka kafka, LocalS3 s3, boolean declareTopics) {
        this.name = name + "-" + UUID.randomUUID().toString().substring(0, 6);
        this.kafka = kafka;
        this.s3 = s3;
        this.bucket = ("it-" + this.name).toLowerCase();
        this.prefix = "it." + this.name + ".";
        this.store = new ObjectStore(new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(),
                null, null));
        store.ensureBucket(bucket);
        if (declareTopics) {
            for (TopicSpec t : Topics.INVENTORY) {
                kafka.createTopic(topic(t.name()), t.partitions());
            }
        }
        // the event and DLQ topics are created here so that readers can subscribe before any worker runs
        kafka.createTopic(topic(Topics.EVENTS), 3);
        kafka.createTopic(topic(Topics.DLQ), 1);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        this.events = new EventLog(kafka.bootstrapServers(), topic(Topics.EVENTS));
        this.dlq = new EventLog(kafka.bootstrapServers(), topic(Topics.DLQ));
    }

    String topic(String base) {
        return prefix + base;
    }

    String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** System properties for a worker of this environment. */
    Map<String, String> workerProps() {
        Map<String, String> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        p.put("pix2pix.s3.endpoint", s3.endpoint());
        p.put("pix2pix.s3.access-key", s3.accessKey());
        p.put("pix2pix.s3.secret-key", s3.secretKey());
        p.put("pix2pix.s3.allowed-buckets", bucket);
        p.put("pix2pix.device", "cpu");
        p.put("pix2pix.group", prefix + "worker-infer");
        p.put("pix2pix.infer.cpu-threads", "1");
        p.put("pix2pix.infer.batch", "2");
        p.put("pix2pix.work-dir", Path.of("target", "work-" + name).toAbsolutePath().toString());
        p.put("pix2pix.topics.translate-jobs", topic(Topics.TRANSLATE_JOBS));
        p.put("pix2pix.topics.translate-shards", topic(Topics.TRANSLATE_SHARDS));
        p.put("pix2pix.topics.translate-done", topic(Topics.TRANSLATE_DONE));
        p.put("pix2pix.topics.events", topic(Topics.EVENTS));
        p.put("pix2pix.topics.control", topic(Topics.CONTROL));
        p.put("pix2pix.topics.dlq", topic(Topics.DLQ));
        return p;
    }

    void send(String topicBase, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic(topicBase), key, value)).get(30, TimeUnit.SECONDS);
    }

    void submit(Object job, String jobId) throws Exception {
        send(Topics.TRANSLATE_JOBS, jobId, Json.write(job));
    }

    /** A tiny colorize generator (L -> ab, U-Net 64, 8 filters), random weights, written to S3. */
    String uploadColorizeModel(String key) throws IOException {
        ModelSpec spec = new ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 1, 2, true, true);
        Path dir = Files.createTempDirectory("it-model");
        try (NDManager m = NDManager.newBaseManager(); UnetGenerator g = new UnetGenerator(spec, m, 7)) {
            ModelFolder.write(dir, new ModelInfo(ModelInfo.FORMAT, spec, "colorize", "color", null, 64, 0, 0,
                    CodeVersion.get(), Instant.now().toString(), "worker-infer IT"), g);
        }
        S3Uri folder = S3Uri.parse(uri(key)).asPrefix();
        store.upload(dir.resolve(ModelFolder.INFO), folder.child(ModelFolder.INFO));
        store.upload(dir.resolve(ModelFolder.WEIGHTS), folder.child(ModelFolder.WEIGHTS));
        return folder.toString();
    }

    /**
     * A tiny CycleGAN folder (resnet_6blocks, 4 filters, instance norm; G_A and G_B with different random weights)
     * written locally under {@code local} and to S3 under {@code key} as AtoB/ and BtoA/; returns the S3 folder.
     */
    String uploadCycleGanFolder(String key, Path local) throws IOException {
        ModelSpec spec = new ModelSpec("resnet_6blocks", "basic", 3, 4, 4, "instance", 3, 3, false, false);
        S3Uri top = S3Uri.parse(uri(key)).asPrefix();
        long seed = 11;
        for (String member : List.of(ModelFolder.A_TO_B, ModelFolder.B_TO_A)) {
            Path dir = local.resolve(member);
            try (NDManager m = NDManager.newBaseManager();
                    dev.pix2pix.model.Generator g = dev.pix2pix.model.Generator.create(spec, m, seed++)) {
                ModelFolder.write(dir, new ModelInfo(ModelInfo.FORMAT, spec, "translate", "unaligned", member, 64, 0, 0,
                        CodeVersion.get(), Instant.now().toString(), "worker-infer IT"), g);
            }
            S3Uri folder = top.child(member + "/");
            store.upload(dir.resolve(ModelFolder.INFO), folder.child(ModelFolder.INFO));
            store.upload(dir.resolve(ModelFolder.WEIGHTS), folder.child(ModelFolder.WEIGHTS));
        }
        return top.toString();
    }

    /** A smooth random image (gray or colour) encoded as png or jpg. */
    static byte[] image(int w, int h, boolean gray, String format, long seed) throws IOException {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int a = r.nextInt(255);
        int b = r.nextInt(255);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (a + x * 255 / w + y * b / h) & 0xff;
                img.setRGB(x, y, 0xff000000 | v << 16 | (255 - v) << 8 | (v / 2));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }

    void put(String key, byte[] bytes) {
        store.put(S3Uri.parse(uri(key)), bytes, null);
    }

    /** The key of a job's manifest relative to its output prefix. */
    static String manifest(String jobId) {
        return "_manifest/" + jobId + "/manifest.jsonl";
    }

    /** Output object keys below a prefix, excluding the book-keeping folders (_manifest, _contact). */
    List<String> outputKeys(String outPrefix) {
        S3Uri p = S3Uri.parse(uri(outPrefix)).asPrefix();
        return store.list(p).stream().map(o -> o.uri().relativeTo(p))
                .filter(k -> !k.startsWith("_")).sorted().toList();
    }

    /** A generator written by the real torch.save: the committed parity fixture of common's TorchParityIT. */
    static final Path REFERENCE_PTH =
            Path.of("..", "common", "src", "test", "resources", "torch", "unet128_batch_eval", "latest_net_G.pth");

    /** How far one worker output is from the in-process float32 result, and from its own input. */
    record OutputCheck(String key, double maxDiffFromInProcess, double maxDiffFromInput) {}

    /**
     * Translates each input in-process with the .pth (float32) and compares it with the worker's PNG
     * output under {@code outPrefix}; sizes must match exactly. Differences are in [0,1] units.
     */
    List<OutputCheck> compareWithInProcess(Path pth, Map<String, byte[]> inputs, String outPrefix,
            InferenceSettings settings) throws IOException {
        List<OutputCheck> checks = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(); ModelLoader.Loaded loaded = ModelLoader.load(pth, m)) {
            Translator t = new Translator(loaded.generator(), loaded.info(), settings);
            ImageDecoder decoder = new ImageDecoder();
            for (Map.Entry<String, byte[]> e : inputs.entrySet()) {
                String k = e.getKey();
                FloatImage in = decoder.decode(e.getValue(), k).image();
                Translator.Prepared prepared = t.prepare(new Translator.Item(k, in));
                FloatImage expected = t.finish(prepared, t.forward(List.of(prepared), m).get(0));
                String outKey = outPrefix + k.substring(0, k.lastIndexOf('.')) + ".png";
                FloatImage got = decoder.decode(store.get(S3Uri.parse(uri(outKey))), outKey).image();
                assertEquals(in.width(), got.width(), outKey);
                assertEquals(in.height(), got.height(), outKey);
                float[] rgbIn = in.toRgb().data();
                double maxDiff = 0;
                double spread = 0;
                for (int i = 0; i < got.data().length; i++) {
                    float x = Math.max(0f, Math.min(1f, expected.data()[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(got.data()[i] - x));
                    spread = Math.max(spread, Math.abs(got.data()[i] - rgbIn[i]));
                }
                checks.add(new OutputCheck(outKey, maxDiff, spread));
            }
        }
        return checks;
    }

    @Override
    public void close() throws Exception {
        events.close();
        dlq.close();
        producer.close();
        store.close();
    }
}
