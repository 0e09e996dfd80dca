package dev.pix2pix.worker.infer;

import dev.pix2pix.worker.testing.WorkerProcess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.infer.InferenceSettings;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.TranslateJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
        Path pth = ItEnv.REFERENCE_PTH;
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

        for (ItEnv.OutputCheck c : env.compareWithInProcess(pth, inputs, "half/out/",
                new InferenceSettings(128, false, 1, 5L))) {
            assertTrue(c.maxDiffFromInProcess() <= 2.5 / 255,
                    c.key() + ": float16 differs from float32 by " + c.maxDiffFromInProcess() * 255 + "/255");
            assertTrue(c.maxDiffFromInput() > 0.05, c.key() + ": output is (nearly) the input");
        }
    }
}
