package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.ItWorld;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.data.Scenes;
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
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.stack.LocalKafka;
import dev.pix2pix.stack.LocalS3;
import dev.pix2pix.stack.SharedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One IT's world on the shared real Kafka and S3Proxy: its own topic names, consumer group and
 * bucket (so tests sharing the servers do not see each other), a tiny colorize model in S3, and
 * the settings that point a worker process at all of it.
 */
final class ItEnv extends ItWorld {
    final String prefix;

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
        this(new Unique(name + "-" + UUID.randomUUID().toString().substring(0, 6)), kafka, s3, declareTopics);
    }

    /** A name no other environment on the same servers has (tests of one class may make several). */
    private record Unique(String name) {}

    private ItEnv(Unique u, LocalKafka kafka, LocalS3 s3, boolean declareTopics) {
        super(u.name(), ("it-" + u.name()).toLowerCase(), kafka, s3, topics(prefixOf(u), declareTopics),
                prefixOf(u) + Topics.EVENTS, prefixOf(u) + Topics.DLQ);
        this.prefix = prefixOf(u);
    }

    private static String prefixOf(Unique u) {
        return "it." + u.name() + ".";
    }

    /**
     * The inventory's topics when declared; the event and DLQ topics always, so that readers can subscribe
     * before any worker runs.
     */
    private static Map<String, Integer> topics(String prefix, boolean declareTopics) {
        Map<String, Integer> m = new LinkedHashMap<>();
        if (declareTopics) {
            for (TopicSpec t : Topics.INVENTORY) {
                m.put(prefix + t.name(), t.partitions());
            }
        }
        m.putIfAbsent(prefix + Topics.EVENTS, 3);
        m.putIfAbsent(prefix + Topics.DLQ, 1);
        return m;
    }

    String topic(String base) {
        return prefix + base;
    }

    /** System properties for a worker of this environment. */
    Map<String, String> workerProps() {
        Map<String, String> p = baseWorkerProps(Path.of("target", "work-" + name));
        p.put("pix2pix.group", prefix + "worker-infer");
        p.put("pix2pix.infer.cpu-threads", "1");
        p.put("pix2pix.infer.batch", "2");
        p.put("pix2pix.topics.translate-jobs", topic(Topics.TRANSLATE_JOBS));
        p.put("pix2pix.topics.translate-shards", topic(Topics.TRANSLATE_SHARDS));
        p.put("pix2pix.topics.translate-done", topic(Topics.TRANSLATE_DONE));
        p.put("pix2pix.topics.events", topic(Topics.EVENTS));
        p.put("pix2pix.topics.control", topic(Topics.CONTROL));
        p.put("pix2pix.topics.dlq", topic(Topics.DLQ));
        return p;
    }

    /** To this environment's topic of the inventory's name {@code topicBase}. */
    void send(String topicBase, String key, String value) {
        sendTo(topic(topicBase), key, value);
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
    static byte[] image(int w, int h, boolean gray, String format, long seed) {
        return Scenes.encode(Scenes.ramp(seed, w, h, gray), format);
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
}
