package dev.pix2pix.worker.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.infer.InferenceSettings;
import dev.pix2pix.infer.ModelLoader;
import dev.pix2pix.infer.Translator;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.TranslateJob;
import dev.pix2pix.store.S3Uri;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker configured with {@code pix2pix.infer.half=true} (the GPU-node option) runs a job with its
 * generator in float16; every output stays within 2/255 (plus 8-bit rounding) of the float32 result
 * computed in-process from the same torch-written model.
 */
class HalfPrecisionIT {
    private static ItEnv env;
    private static WorkerProcess worker;

    @BeforeAll
    static void start() throws Exception {
        env = new ItEnv("half");
        Map<String, String> props = env.workerProps();
        props.put("pix2pix.infer.half", "true");
        worker = WorkerProcess.start("half-" + env.name, props);
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
    void float16WorkerOutputsMatchFloat32() throws Exception {
        Path pth = Path.of("..", "common", "src", "test", "resources", "torch", "unet128_batch_eval", "latest_net_G.pth");
        assertTrue(Files.isRegularFile(pth), pth.toAbsolutePath().toString());
        env.put("half/models/latest_net_G.pth", Files.readAllBytes(pth));
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put("facade.png", ItEnv.image(96, 130, false, "png", 31));
        inputs.put("street.jpg", ItEnv.image(200, 90, false, "jpg", 32));
        inputs.forEach((k, v) -> env.put("half/in/" + k, v));
        String jobId = "half-precision";
        TranslateJob.Options options = new TranslateJob.Options(null, 128, null, null, null, null, 2, 5L);
        env.submit(TranslateJob.ofPrefix(jobId, env.uri("half/models/latest_net_G.pth"), env.uri("half/in/"),
                env.uri("half/out/"), TranslateJob.Mode.TRANSLATE, options), jobId);
        JobEvent end = env.events.awaitTerminal(jobId, Duration.ofSeconds(180));
        assertEquals(EventType.COMPLETED, end.type(), () -> "ended " + end);
        assertTrue(Files.readString(worker.log()).contains("in float16"), "the worker loaded the model in float16");

        try (NDManager m = NDManager.newBaseManager(); ModelLoader.Loaded loaded = ModelLoader.load(pth, m)) {
            Translator full = new Translator(loaded.generator(), loaded.info(), new InferenceSettings(128, false, 1, 5L));
            ImageDecoder decoder = new ImageDecoder();
            for (Entry<String, byte[]> e : inputs.entrySet()) {
                String k = e.getKey();
                FloatImage in = decoder.decode(e.getValue(), k).image();
                Translator.Prepared p = full.prepare(new Translator.Item(k, in));
                FloatImage expected = full.finish(p, full.forward(List.of(p), m).get(0));
                String outKey = "half/out/" + k.substring(0, k.lastIndexOf('.')) + ".png";
                FloatImage got = decoder.decode(env.store.get(S3Uri.parse(env.uri(outKey))), outKey).image();
                assertEquals(in.width(), got.width(), outKey);
                double maxDiff = 0;
                double spread = 0;
                float[] rgbIn = in.toRgb().data();
                for (int i = 0; i < got.data().length; i++) {
                    float x = Math.max(0f, Math.min(1f, expected.data()[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(got.data()[i] - x));
                    spread = Math.max(spread, Math.abs(got.data()[i] - rgbIn[i]));
                }
                assertTrue(maxDiff <= 2.5 / 255, outKey + ": float16 differs from float32 by " + maxDiff * 255 + "/255");
                assertTrue(spread > 0.05, outKey + ": output is (nearly) the input");
            }
        }
    }
}
