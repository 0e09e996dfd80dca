package dev.pix2pix.worker.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pix2pix.data.Scenes;
import dev.pix2pix.msg.EventType;
import dev.pix2pix.msg.JobEvent;
import dev.pix2pix.msg.Json;
import dev.pix2pix.msg.TrainJob;
import dev.pix2pix.store.S3Uri;
import dev.pix2pix.train.CycleGanTrainer;
import dev.pix2pix.worker.testing.WorkerProcess;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * A CycleGAN TrainJob (model cyclegan, layout unaligned) through Kafka and S3: a worker killed with kill -9
 * after its first checkpoints, a second one resuming from the newest checkpoint in S3 and publishing both
 * generators; epoch events carry the reference's loss names, progress events the run's iterations.
 */
class CycleGanJobIT {
    private static final int EPOCHS = 6;
    private static final int A_IMAGES = 3;
    private static final int B_IMAGES = 4;
    private static final int SIZE = 32;

    @Test
    void aKilledCycleGanJobResumesFromS3AndPublishesBothGenerators() throws Exception {
        try (ItEnv env = new ItEnv("cg")) {
            S3Uri data = new S3Uri(env.bucket, "datasets/unaligned/");
            for (int i = 0; i < A_IMAGES; i++) {
                env.store.put(data.child("A/gray_" + i + ".png"), png(Scenes.gray(Scenes.scene(i + 1, SIZE, SIZE))), "image/png");
            }
            for (int i = 0; i < B_IMAGES; i++) {
                env.store.put(data.child("B/colour_" + i + ".png"), png(Scenes.scene(100 + i, SIZE, SIZE)), "image/png");
            }
            String id = "it-cyclegan";
            String output = "s3://" + env.bucket + "/models/" + id + "/";
            TrainJob.Options o = new TrainJob.Options("resnet_6blocks", null, null, 4, 4, null, null, null, EPOCHS, 0, 1,
                    SIZE, SIZE, true, null, null, null, null, null, null, null, 7L, 1, null, null);
            TrainJob job = TrainJob.of(id, data.toString(), TrainJob.Layout.UNALIGNED, output, o)
                    .asCycleGan(new TrainJob.CycleGan(null, null, null, 5));
            assertTrue(new dev.pix2pix.msg.JobValidator().train(Json.write(job)).ok(), Json.write(job));

            int checkpointBeforeKill;
            int eventsBeforeKill;
            try (WorkerProcess a = start(env, "a")) {
                env.send(job);
                JobEvent cp = env.events.await(id, e -> e.type() == EventType.CHECKPOINT && e.epoch() >= 2
                        || e.type().terminal(), Duration.ofMinutes(3));
                assertEquals(EventType.CHECKPOINT, cp.type(), () -> cp + "\n" + a.tail());
                a.kill();
                eventsBeforeKill = env.events.events(id).size();
                checkpointBeforeKill = env.events.events(id, EventType.CHECKPOINT).stream().mapToInt(JobEvent::epoch)
                        .max().orElseThrow();
            }
            assertTrue(checkpointBeforeKill < EPOCHS, "killed before the end: " + checkpointBeforeKill);

            JobEvent end;
            try (WorkerProcess b = start(env, "b")) {
                end = env.events.awaitTerminal(id, Duration.ofMinutes(4));
                assertEquals(EventType.COMPLETED, end.type(), () -> end + "\n" + b.tail());
            }
            assertNotNull(end.metrics().get("resumedFrom"), end::toString);
            List<JobEvent> after = env.events.events(id).subList(eventsBeforeKill, env.events.events(id).size());
            List<Integer> resumedEpochs = after.stream().filter(e -> e.type() == EventType.EPOCH).map(JobEvent::epoch)
                    .toList();
            assertTrue(!resumedEpochs.isEmpty() && resumedEpochs.get(0) > 1, "resumed, not restarted: " + resumedEpochs);
            assertEquals(EPOCHS, resumedEpochs.get(resumedEpochs.size() - 1));

            for (JobEvent e : env.events.events(id, EventType.EPOCH)) {
                assertEquals(CycleGanTrainer.LOSSES, List.copyOf(e.losses().keySet()), e::toString);
                assertTrue(e.losses().values().stream().allMatch(v -> Double.isFinite(v) && v >= 0), e::toString);
                assertTrue(e.samples() == null || e.samples().isEmpty(), "no paired sample strips: " + e);
            }
            List<JobEvent> progress = env.events.events(id, EventType.PROGRESS).stream()
                    .filter(p -> p.epoch() != null).toList();
            assertFalse(progress.isEmpty(), "progress events while training");
            assertEquals((long) EPOCHS * A_IMAGES, progress.get(progress.size() - 1).total(),
                    "iterations: one per A image and epoch");

            // both generators published, in the outputs, each an ordinary model folder
            for (String member : List.of("AtoB", "BtoA")) {
                for (String name : List.of("model.json", "generator.params")) {
                    S3Uri u = S3Uri.parse(output).child(member + "/" + name);
                    assertTrue(env.store.exists(u), u.toString());
                    assertTrue(end.outputs().contains(u.toString()), end.outputs().toString());
                }
                JsonNode info = Json.mapper().readTree(env.store.get(S3Uri.parse(output).child(member + "/model.json")));
                assertEquals(member, info.path("direction").asText());
                assertEquals("resnet_6blocks", info.path("spec").path("netG").asText());
                assertEquals(EPOCHS, info.path("epochs").asInt());
            }
            // every epoch once in the published loss log, in order, with the CycleGAN names
            List<Integer> logged = new ArrayList<>();
            for (String line : new String(env.store.get(S3Uri.parse(output).child("loss_log.jsonl")),
                    StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    JsonNode n = Json.mapper().readTree(line);
                    logged.add(n.get("epoch").asInt());
                    assertTrue(n.has("cycle_A"), line);
                }
            }
            assertEquals(IntStream.rangeClosed(1, EPOCHS).boxed().toList(), logged);
            assertTrue(env.store.exists(S3Uri.parse(output).child("_SUCCESS.json")));
            // the checkpoints in S3 hold all four networks and both pools
            List<String> cpKeys = env.store.list(S3Uri.parse(output).child("checkpoints/")).stream()
                    .map(x -> x.uri().name()).distinct().sorted().toList();
            assertTrue(cpKeys.containsAll(List.of("G_A.params", "G_B.params", "D_A.params", "D_B.params", "poolA.params",
                    "poolB.params", "state.json")), cpKeys.toString());
        }
    }

    private static byte[] png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static WorkerProcess start(ItEnv env, String name) throws Exception {
        return env.startQuickFailover("cg", name);
    }
}
