package dev.pix2pix.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.data.Preprocessing;
import dev.pix2pix.data.Scenes;
import dev.pix2pix.data.Tensors;
import dev.pix2pix.data.UnalignedSet;
import dev.pix2pix.model.Generator;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.nn.Pass;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small, fast unpaired run: gray scenes as A, other colour scenes as B (no image in both). The cycle losses
 * fall, the trained pair reconstructs held-out images better than fresh networks, both generators are
 * published as model folders, and the live arrays stay constant once the image pools are full.
 */
class CycleGanTrainerTest {
    static final int SIZE = 32;
    static final ModelSpec SPEC = new ModelSpec("resnet_6blocks", "basic", 3, 8, 8, "instance", 3, 3, false, false);

    static void write(Path dir, int from, int n, boolean gray) throws Exception {
        Files.createDirectories(dir);
        for (int i = from; i < from + n; i++) {
            BufferedImage colour = Scenes.scene(i, SIZE, SIZE);
            ImageIO.write(gray ? Scenes.gray(colour) : colour, "png", dir.resolve(i + ".png").toFile());
        }
    }

    @Test
    void unpairedTrainingLearnsToCycle(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        write(data.resolve("A"), 1, 6, true);
        write(data.resolve("B"), 101, 6, false);
        TrainOptions o = new TrainOptions(12, 0, 0, 1, SIZE, SIZE, false, "lsgan", 0, 0, 0, 0, 1e-3, 0.5, 7, 100, 1, 0, null, true);
        Preprocessing pre = o.preprocessing(SPEC.sizeMultiple());
        Path out = tmp.resolve("model");
        List<TrainListener.EpochStats> epochs = new ArrayList<>();
        List<Integer> live = new ArrayList<>();
        try (UnalignedSet set = UnalignedSet.open(data, 3, 3, pre, null);
                CycleGanTrainer t = CycleGanTrainer.start(SPEC, o, new CycleGanTrainer.CycleOptions(10, 10, 0.5, 3),
                        new DataSpec("unaligned", "AtoB", "generated scenes"), set, out, Device.cpu())) {
            assertEquals(6, set.a().size());
            assertEquals(6, set.b().size());
            Trainer.Result r = t.run(new TrainListener() {
                @Override
                public void epoch(EpochStats e) {
                    epochs.add(e);
                    live.add(t.liveArrays());
                }
            }, () -> false);
            assertEquals(Trainer.Outcome.COMPLETED, r.outcome());
            assertEquals(72, r.iteration());
        }
        assertEquals(12, epochs.size());
        assertEquals(CycleGanTrainer.LOSSES, List.copyOf(epochs.get(0).losses().keySet()));
        Map<String, Double> first = epochs.get(0).losses();
        // serial batches: every epoch sees the same six A and six B images, so epoch means are comparable;
        // the last three epochs' mean (not one epoch, which a GAN step can spike) against the first epoch
        for (String k : List.of("cycle_A", "cycle_B")) {
            List<Double> curve = epochs.stream().map(e -> e.losses().get(k)).toList();
            double tail = curve.subList(9, 12).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertTrue(tail < first.get(k) * 0.8, k + " per epoch: " + curve);
        }
        for (String k : CycleGanTrainer.LOSSES) {
            assertTrue(first.get(k) > 0 && Double.isFinite(first.get(k)), k + " = " + first.get(k));
        }
        for (int i = 1; i < live.size(); i++) {
            assertEquals(live.get(0), live.get(i), "live arrays after epoch " + (i + 1) + ": " + live);
        }
        assertTrue(Files.exists(out.resolve("loss_log.jsonl")));

        // held-out gray scenes: A -> B -> A with the trained pair against fresh networks
        Path held = tmp.resolve("held");
        write(held, 50, 3, true);
        double trained = cycleL1(held, out.resolve("AtoB"), out.resolve("BtoA"));
        double fresh;
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                Generator a = Generator.create(SPEC, m, 7);
                Generator b = Generator.create(SPEC, m, 8)) {
            fresh = cycleL1(held, a, b, m);
        }
        System.out.printf(java.util.Locale.ROOT, "cycle reconstruction L1 on held-out A: trained %.4f, fresh %.4f%n", trained, fresh);
        assertTrue(trained < fresh * 0.8, "cycle reconstruction L1: trained " + trained + ", fresh " + fresh);
    }

    /** Stopped mid-epoch and resumed from its checkpoint, a run ends with the same weights as one that never stopped. */
    @Test
    void resumeIsExact(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        write(data.resolve("A"), 1, 3, true);
        write(data.resolve("B"), 101, 4, false);
        ModelSpec spec = new ModelSpec("resnet_6blocks", "basic", 3, 4, 4, "instance", 3, 3, false, false);
        TrainOptions o = new TrainOptions(2, 1, 0, 1, SIZE, 36, true, "lsgan", 0, 0, 0, 0, 1e-3, 0.5, 3, 1, 2, 0);
        CycleGanTrainer.CycleOptions c = new CycleGanTrainer.CycleOptions(10, 10, 0.5, 2);
        DataSpec ds = new DataSpec("unaligned", "AtoB", "generated scenes");
        Preprocessing pre = o.preprocessing(spec.sizeMultiple());
        byte[] straight;
        try (UnalignedSet set = UnalignedSet.open(data, 3, 3, pre, null);
                CycleGanTrainer t = CycleGanTrainer.start(spec, o, c, ds, set, tmp.resolve("straight"), Device.cpu())) {
            assertEquals(Trainer.Outcome.COMPLETED, t.run(new TrainListener() {}, () -> false).outcome());
            straight = t.generatorA().params().encode();
        }
        Path out = tmp.resolve("stopped");
        int[] calls = {0};
        try (UnalignedSet set = UnalignedSet.open(data, 3, 3, pre, null);
                CycleGanTrainer t = CycleGanTrainer.start(spec, o, c, ds, set, out, Device.cpu())) {
            Trainer.Result r = t.run(new TrainListener() {}, () -> ++calls[0] >= 5);
            assertEquals(Trainer.Outcome.STOPPED, r.outcome());
            assertEquals(5, r.iteration(), "stopped in epoch 2, after its 2nd iteration");
        }
        try (UnalignedSet set = UnalignedSet.open(data, 3, 3, pre, null);
                CycleGanTrainer t = CycleGanTrainer.resume(out, set, Device.cpu())) {
            assertEquals(2, t.state().epoch());
            assertEquals(2, t.state().iterationInEpoch());
            Trainer.Result r = t.run(new TrainListener() {}, () -> false);
            assertEquals(Trainer.Outcome.COMPLETED, r.outcome());
            assertEquals(9, r.iteration());
            org.junit.jupiter.api.Assertions.assertArrayEquals(straight, t.generatorA().params().encode(),
                    "G_A after a stop and resume equals the uninterrupted run's");
        }
        assertTrue(Files.isDirectory(out.resolve("AtoB")) && Files.isDirectory(out.resolve("BtoA")));
    }

    static double cycleL1(Path images, Path aToB, Path bToA) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                Generator a = ModelFolder.loadGenerator(aToB, m);
                Generator b = ModelFolder.loadGenerator(bToA, m)) {
            assertEquals("resnet_6blocks", a.spec().netG());
            return cycleL1(images, a, b, m);
        }
    }

    static double cycleL1(Path images, Generator a, Generator b, NDManager m) throws Exception {
        double sum = 0;
        int n = 0;
        try (var files = Files.list(images)) {
            for (Path f : files.sorted().toList()) {
                BufferedImage img = ImageIO.read(f.toFile());
                float[] x = new float[3 * SIZE * SIZE];
                for (int y = 0; y < SIZE; y++) {
                    for (int xx = 0; xx < SIZE; xx++) {
                        int v = img.getRaster().getSample(xx, y, 0);
                        for (int c = 0; c < 3; c++) {
                            x[(c * SIZE + y) * SIZE + xx] = Tensors.toUnit(v);
                        }
                    }
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray in = step.create(x, new Shape(1, 3, SIZE, SIZE));
                    NDArray rec = b.forward(a.forward(in, Pass.eval(step)), Pass.eval(step));
                    sum += rec.sub(in).abs().mean().getFloat() / 2;
                    n++;
                }
            }
        }
        return sum / n;
    }
}
