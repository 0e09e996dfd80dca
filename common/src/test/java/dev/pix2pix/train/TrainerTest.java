package dev.pix2pix.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.data.DataFiles;
import dev.pix2pix.data.Direction;
import dev.pix2pix.data.Layout;
import dev.pix2pix.data.PairSet;
import dev.pix2pix.data.Sample;
import dev.pix2pix.data.TrainingSet;
import dev.pix2pix.io.LocalFiles;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.Generator;
import dev.pix2pix.nn.Pass;
import dev.pix2pix.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    static final ModelSpec SMALL = new ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 3, 3, true, true);

    static TrainOptions options(int epochs, int decay, double lr) {
        return new TrainOptions(epochs, decay, 0, 1, 64, 64, false, "vanilla", 100, 0, 0, 0, lr, 0.5, 7, 1, 2, 0);
    }

    static TrainingSet scenes(Path tmp, int n) throws Exception {
        return scenes(tmp, n, options(1, 0, 2e-4));
    }

    /** n generated scene pairs opened for these options (their preprocessing), with a prepared cache under tmp. */
    static TrainingSet scenes(Path tmp, int n, TrainOptions o) throws Exception {
        return scenes(tmp, n, o, SMALL);
    }

    static TrainingSet scenes(Path tmp, int n, TrainOptions o, ModelSpec spec) throws Exception {
        Path dir = TestData.scenePairs(n, 64, tmp.resolve("data"));
        return PairSet.builder(DataFiles.folder(dir), Layout.ALIGNED).direction(Direction.BTOA).channels(3, 3)
                .preprocessing(o.preprocessing(spec.sizeMultiple())).preparedCache(tmp.resolve("cache")).open();
    }

    /** Mean L1 of the generator on the training pairs (whole 64 px images), in eval mode, in [0,1] units. */
    static double l1(Path modelDir, TrainingSet data) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                Generator g = ModelFolder.loadGenerator(modelDir, m)) {
            double sum = 0;
            for (int i = 0; i < data.size(); i++) {
                Sample s = data.sample(i, new Random(0));
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.create(s.input(), new Shape(1, 3, 64, 64));
                    NDArray y = g.forward(x, Pass.eval(step));
                    NDArray t = step.create(s.target(), new Shape(1, 3, 64, 64));
                    sum += y.sub(t).abs().mean().getFloat() / 2;
                }
            }
            return sum / data.size();
        }
    }

    @Test
    void trainingLowersL1ClearlyAndPublishesAModel(@TempDir Path tmp) throws Exception {
        TrainingSet data = scenes(tmp, 4);
        Path out = tmp.resolve("model");
        double before;
        try (Trainer t = Trainer.start(SMALL, options(1, 0, 2e-4), dataSpec(), data, out, Device.cpu())) {
            t.publish(); // the untrained generator, as a baseline
            before = l1(out, data);
        }
        LocalFiles.deleteTree(out);
        List<TrainListener.EpochStats> epochs = new ArrayList<>();
        try (Trainer t = Trainer.start(SMALL, options(25, 0, 1e-3), dataSpec(), data, out, Device.cpu())) {
            Trainer.Result r = t.run(new TrainListener() {
                @Override
                public void epoch(EpochStats e) {
                    epochs.add(e);
                }
            }, () -> false);
            assertEquals(Trainer.Outcome.COMPLETED, r.outcome());
            assertEquals(100, r.iteration());
        }
        double after = l1(out, data);
        assertEquals(25, epochs.size());
        assertTrue(after < before * 0.7, "L1 " + before + " -> " + after);
        assertTrue(Files.exists(out.resolve("model.json")) && Files.exists(out.resolve("loss_log.jsonl")));
        assertTrue(epochs.get(24).losses().get("G_L1") < epochs.get(0).losses().get("G_L1"));
        for (String k : List.of("G_GAN", "G_L1", "D_real", "D_fake")) {
            assertTrue(epochs.get(0).losses().get(k) > 0, k);
        }
    }

    /** pix2pix with --netG resnet_6blocks (instance norm, as the reference allows): it learns, and its model loads back. */
    @Test
    void resnetGeneratorTrainsToo(@TempDir Path tmp) throws Exception {
        ModelSpec resnet = new ModelSpec("resnet_6blocks", "basic", 3, 8, 8, "instance", 3, 3, false, true);
        TrainingSet data = scenes(tmp, 4, options(8, 0, 1e-3), resnet);
        Path out = tmp.resolve("model");
        List<TrainListener.EpochStats> epochs = new ArrayList<>();
        try (Trainer t = Trainer.start(resnet, options(8, 0, 1e-3), dataSpec(), data, out, Device.cpu())) {
            assertEquals(Trainer.Outcome.COMPLETED, t.run(new TrainListener() {
                @Override
                public void epoch(EpochStats e) {
                    epochs.add(e);
                }
            }, () -> false).outcome());
        }
        assertTrue(epochs.get(7).losses().get("G_L1") < epochs.get(0).losses().get("G_L1") * 0.8,
                "G_L1 " + epochs.get(0).losses().get("G_L1") + " -> " + epochs.get(7).losses().get("G_L1"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); Generator g = ModelFolder.loadGenerator(out, m)) {
            assertEquals("resnet_6blocks", g.spec().netG());
        }
    }

    @Test
    void resumeContinuesAtTheExactEpochAndIteration(@TempDir Path tmp) throws Exception {
        TrainingSet data = scenes(tmp, 3);
        Path out = tmp.resolve("model");
        AtomicInteger calls = new AtomicInteger();
        try (Trainer t = Trainer.start(SMALL, options(2, 1, 2e-4), dataSpec(), data, out, Device.cpu())) {
            // stop is asked after each iteration but an epoch's last, and at each epoch's end: the 4th ask is epoch 2, iteration 1
            Trainer.Result r = t.run(new TrainListener() {}, () -> calls.incrementAndGet() == 4);
            assertEquals(Trainer.Outcome.STOPPED, r.outcome());
            assertEquals(2, r.epoch());
            assertEquals(4, r.iteration());
        }
        RunState saved = Trainer.checkpointState(out).orElseThrow();
        assertEquals(2, saved.epoch());
        assertEquals(1, saved.iterationInEpoch());
        TrainOptions extended = Trainer.resumableOptions(saved, SMALL, 3, 1);
        List<Integer> epochsSeen = new ArrayList<>();
        try (Trainer t = Trainer.resume(out, extended, data, Device.cpu())) {
            Trainer.Result r = t.run(new TrainListener() {
                @Override
                public void epoch(EpochStats e) {
                    epochsSeen.add(e.epoch());
                }
            }, () -> false);
            assertEquals(Trainer.Outcome.COMPLETED, r.outcome());
            assertEquals(4 * 3, r.iteration(), "4 epochs of 3 iterations in all, none repeated");
        }
        assertEquals(List.of(2, 3, 4), epochsSeen);
        assertEquals(2, Checkpoints.list(out.resolve(Checkpoints.DIR)).size(), "only the newest two are kept");
    }

    /** Stopped mid-epoch and resumed, a run ends with the same generator bits as one that never stopped. */
    @Test
    void aResumedRunTrainsExactlyAsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        TrainingSet data = scenes(tmp, 3);
        Path whole = tmp.resolve("whole");
        try (Trainer t = Trainer.start(SMALL, options(2, 1, 2e-4), dataSpec(), data, whole, Device.cpu())) {
            assertEquals(Trainer.Outcome.COMPLETED, t.run(new TrainListener() {}, () -> false).outcome());
        }
        Path split = tmp.resolve("split");
        AtomicInteger calls = new AtomicInteger();
        try (Trainer t = Trainer.start(SMALL, options(2, 1, 2e-4), dataSpec(), data, split, Device.cpu())) {
            assertEquals(Trainer.Outcome.STOPPED, t.run(new TrainListener() {}, () -> calls.incrementAndGet() == 4).outcome());
        }
        RunState saved = Trainer.checkpointState(split).orElseThrow();
        assertEquals(1, saved.iterationInEpoch(), "stopped inside an epoch");
        try (Trainer t = Trainer.resume(split, saved.options(), data, Device.cpu())) {
            assertEquals(Trainer.Outcome.COMPLETED, t.run(new TrainListener() {}, () -> false).outcome());
        }
        assertArrayEquals(Files.readAllBytes(whole.resolve(ModelFolder.WEIGHTS)),
                Files.readAllBytes(split.resolve(ModelFolder.WEIGHTS)));
    }

    @Test
    void resumeRefusesADifferentArchitecture(@TempDir Path tmp) throws Exception {
        TrainingSet data = scenes(tmp, 2);
        Path out = tmp.resolve("model");
        try (Trainer t = Trainer.start(SMALL, options(1, 0, 2e-4), dataSpec(), data, out, Device.cpu())) {
            t.run(new TrainListener() {}, () -> false);
        }
        RunState saved = Trainer.checkpointState(out).orElseThrow();
        ModelSpec other = new ModelSpec("unet_64", "basic", 3, 16, 8, "batch", 3, 3, true, true);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Trainer.resumableOptions(saved, other, null, null));
        assertTrue(e.getMessage().contains("architecture differs"), e.getMessage());
    }

    @Test
    void liveArrayCountStaysConstant(@TempDir Path tmp) throws Exception {
        TrainOptions o = new TrainOptions(150, 0, 0, 1, 64, 64, true, "vanilla", 100, 1, 0.001, 0.1, 2e-4, 0.5, 3, 1000, 1, 0);
        TrainingSet data = scenes(tmp, 2, o);
        Path out = tmp.resolve("model");
        List<Integer> counts = new ArrayList<>();
        try (Trainer t = Trainer.start(SMALL, o, dataSpec(), data, out, Device.cpu())) {
            int base = t.liveArrays();
            t.run(new TrainListener() {}, () -> {
                counts.add(t.liveArrays());
                return false;
            });
            assertTrue(counts.size() > 250, "iterations observed: " + counts.size());
            int first = counts.get(10);
            for (int i = 10; i < counts.size(); i++) {
                assertEquals(first, counts.get(i), "live arrays at observation " + i + " (parameters alone: " + base + ")");
            }
        }
    }

    static DataSpec dataSpec() {
        return new DataSpec("aligned", "BtoA", "generated scenes");
    }
}
