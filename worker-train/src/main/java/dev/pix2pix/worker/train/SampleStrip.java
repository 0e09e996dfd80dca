package dev.pix2pix.worker.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.data.Augment;
import dev.pix2pix.data.LabTensors;
import dev.pix2pix.data.PairDataset;
import dev.pix2pix.data.Sample;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageWriter;
import dev.pix2pix.image.Lab;
import dev.pix2pix.image.OutputFormat;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.UnetGenerator;
import dev.pix2pix.nn.Pass;
import java.io.IOException;
import java.util.Map;
import java.util.Random;

/**
 * An epoch's sample: one row per training pair, columns input | current output | truth, rendered
 * the way the evaluator does (pix2pix test-time mode, dropout seeded per pair so that successive
 * epochs are comparable; the same crop of each pair every epoch).
 */
public final class SampleStrip {
    private SampleStrip() {}

    public static byte[] render(UnetGenerator g, PairDataset data, int size, int loadSize, boolean colorize, int pairs,
            Device device) throws IOException {
        ModelSpec spec = g.spec();
        int rows = Math.min(pairs, data.size());
        FloatImage strip = FloatImage.zeros(3, rows * size, 3 * size);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            for (int i = 0; i < rows; i++) {
                Sample s = data.sample(i, new Augment(loadSize, size, false), new Random(i));
                float[] y;
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.create(s.input(), new Shape(1, spec.inputNc(), size, size));
                    y = g.forward(x, Pass.testTime(step, new long[] {i})).toFloatArray();
                }
                paste(strip, inputRgb(s.input(), spec.inputNc(), size, colorize), i * size, 0);
                paste(strip, outputRgb(s.input(), y, size, colorize), i * size, size);
                paste(strip, outputRgb(s.input(), s.target(), size, colorize), i * size, 2 * size);
            }
        }
        return ImageWriter.write(strip, OutputFormat.png8(), Map.of("Software", "pix2pix-worker-train"), null);
    }

    private static FloatImage inputRgb(float[] x, int channels, int size, boolean colorize) {
        int plane = size * size;
        if (colorize) {
            float[] gray = new float[plane];
            for (int i = 0; i < plane; i++) {
                gray[i] = (float) Lab.grayForL(LabTensors.unitToL(x[i]));
            }
            return new FloatImage(1, size, size, gray).toRgb();
        }
        return unit(x, channels, size);
    }

    /** A network-side tensor (or target) as an RGB image; colour models combine it with the input's L. */
    private static FloatImage outputRgb(float[] input, float[] out, int size, boolean colorize) {
        int plane = size * size;
        if (colorize) {
            return LabTensors.toRgb(input, out, size);
        }
        return unit(out, out.length / plane, size);
    }

    /** [-1,1] channels-first -> [0,1] RGB; anything but 1 or 3 channels shows its first channel. */
    private static FloatImage unit(float[] v, int channels, int size) {
        int plane = size * size;
        int c = channels == 3 ? 3 : 1;
        float[] u = new float[c * plane];
        for (int i = 0; i < u.length; i++) {
            u[i] = (v[i] + 1f) / 2f;
        }
        return new FloatImage(c, size, size, u).clamp01().toRgb();
    }

    private static void paste(FloatImage dst, FloatImage src, int y0, int x0) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < src.height(); y++) {
                for (int x = 0; x < src.width(); x++) {
                    dst.set(c, y0 + y, x0 + x, src.get(c, y, x));
                }
            }
        }
    }
}
