package dev.pix2pix.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.data.DataFiles;
import dev.pix2pix.data.Direction;
import dev.pix2pix.data.Layout;
import dev.pix2pix.data.PairSet;
import dev.pix2pix.data.Preprocess;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageWriter;
import dev.pix2pix.image.OutputFormat;
import dev.pix2pix.model.ModelFolder;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.Generator;
import dev.pix2pix.train.DataSpec;
import dev.pix2pix.train.TrainListener;
import dev.pix2pix.train.TrainOptions;
import dev.pix2pix.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Train on 64 px crops of 128 px pairs (--preprocess crop), then translate images 4x the training
 * size at their native resolution (--full-resolution): one pass over the whole image, output of the
 * input's exact size, no tile seams, and closer to the truth than the square-canvas path, which
 * resamples the image to the model's 64 px and back.
 */
class FullResolutionTest {
    static final ModelSpec SPEC = new ModelSpec("unet_64", "basic", 3, 16, 8, "instance", 3, 3, false, true);

    /** Smooth colourful texture in [0,1]: a few sinusoids per channel with seeded phases. */
    static FloatImage texture(int w, int h, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] d = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            double fx = 0.02 + 0.08 * r.nextDouble();
            double fy = 0.02 + 0.08 * r.nextDouble();
            double px = 6.28 * r.nextDouble();
            double py = 6.28 * r.nextDouble();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(c * h + y) * w + x] = (float) (0.5 + 0.25 * Math.sin(fx * x + px) + 0.2 * Math.cos(fy * y + py + 0.01 * x));
                }
            }
        }
        return new FloatImage(3, h, w, d);
    }

    static FloatImage inverted(FloatImage img) {
        float[] d = img.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = 1f - d[i];
        }
        return new FloatImage(img.channels(), img.height(), img.width(), d);
    }

    static double l1(FloatImage a, FloatImage b) {
        double s = 0;
        for (int i = 0; i < a.data().length; i++) {
            s += Math.abs(a.data()[i] - b.data()[i]);
        }
        return s / a.data().length;
    }

    /** Mean |horizontal step| on columns x where x % 64 == 0 (where 64 px tiles would meet), over the mean elsewhere. */
    static double seamRatio(FloatImage img) {
        double at = 0;
        double off = 0;
        long nAt = 0;
        long nOff = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < img.height(); y++) {
                for (int x = 1; x < img.width(); x++) {
                    double d = Math.abs(img.get(c, y, x) - img.get(c, y, x - 1));
                    if (x % 64 == 0) {
                        at += d;
                        nAt++;
                    } else {
                        off += d;
                        nOff++;
                    }
                }
            }
        }
        return (at / nAt) / (off / nOff);
    }

    @Test
    void aModelTrainedOnCropsTranslatesAFourTimesLargerImageWhole(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        for (int i = 0; i < 6; i++) {
            FloatImage a = texture(128, 128, i);
            FloatImage ab = new FloatImage(3, 128, 256, new float[3 * 128 * 256]);
            FloatImage b = inverted(a);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 128; y++) {
                    for (int x = 0; x < 128; x++) {
                        ab.set(c, y, x, a.get(c, y, x));
                        ab.set(c, y, 128 + x, b.get(c, y, x));
                    }
                }
            }
            Files.write(data.resolve(i + ".png"), ImageWriter.write(ab, OutputFormat.png8(), null, null));
        }
        TrainOptions o = new TrainOptions(40, 0, 0, 4, 64, 64, true, "none", 100, 0, 0, 0, 2e-3, 0.5, 3, 40, 1, 0,
                Preprocess.CROP.wire(), false);
        Path model = tmp.resolve("model");
        try (PairSet set = PairSet.builder(DataFiles.folder(data), Layout.ALIGNED).direction(Direction.ATOB)
                .preprocessing(o.preprocessing(SPEC.sizeMultiple())).preparedCache(tmp.resolve("cache")).open();
                Trainer t = Trainer.start(SPEC, o, new DataSpec("aligned", "AtoB", "textures"), set, model, Device.cpu())) {
            assertEquals(Trainer.Outcome.COMPLETED, t.run(new TrainListener() {}, () -> false).outcome());
        }
        ModelInfo info = ModelFolder.readInfo(model);
        assertEquals(64, info.size());
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); Generator g = ModelFolder.loadGenerator(model, m)) {
            Translator full = new Translator(g, info, new InferenceSettings(0, true, 2, 0, true));
            Translator square = new Translator(g, info, new InferenceSettings(0, true, 2, 0));
            FloatImage big = texture(256, 256, 99);
            FloatImage odd = texture(250, 190, 98);
            List<FloatImage> out = full.translate(List.of(new Translator.Item("big", big), new Translator.Item("odd", odd)), m);
            assertEquals(256, out.get(0).width());
            assertEquals(256, out.get(0).height());
            assertEquals(250, out.get(1).width());
            assertEquals(190, out.get(1).height());
            double identity = l1(big, inverted(big));
            double fullL1 = l1(out.get(0), inverted(big));
            double squareL1 = l1(square.translate(List.of(new Translator.Item("big", big)), m).get(0), inverted(big));
            assertTrue(fullL1 < 0.4 * identity, "full resolution L1 " + fullL1 + " vs the input's own " + identity);
            assertTrue(fullL1 < squareL1, "full resolution " + fullL1 + " vs square canvas " + squareL1);
            assertTrue(l1(out.get(1), inverted(odd)) < 0.4 * l1(odd, inverted(odd)));
            double seams = seamRatio(out.get(0));
            assertTrue(seams < 1.5, "steps where 64 px tiles would meet / elsewhere: " + seams);
            System.out.printf("full resolution 256 px from a 64 px model: L1 %.4f (square canvas %.4f, input %.4f), seam ratio %.2f%n",
                    fullL1, squareL1, identity, seams);
        }
    }
}
