package dev.pix2pix.worker.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.data.LabTensors;
import dev.pix2pix.data.Sample;
import dev.pix2pix.data.Tensors;
import dev.pix2pix.data.TrainingSet;
import dev.pix2pix.data.UnusableSample;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageWriter;
import dev.pix2pix.image.Lab;
import dev.pix2pix.image.OutputFormat;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.Generator;
import dev.pix2pix.nn.Pass;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An epoch's sample: one row per training pair, columns input | current output | truth, rendered
 * the way the evaluator does (pix2pix test-time mode, dropout seeded per pair so that successive
 * epochs are comparable; the same crop of each pair every epoch, drawn from the pair's index). The
 * first usable pairs of the set are shown; rows may differ in size (modes that do not crop).
 */
public final class SampleStrip {
    private SampleStrip() {}

    public static byte[] render(Generator g, TrainingSet data, boolean colorize, int pairs, Device device)
            throws IOException {
        ModelSpec spec = g.spec();
        List<Sample> rows = new ArrayList<>();
        for (int i = 0; i < data.size() && rows.size() < pairs; i++) {
            try {
                rows.add(data.sample(i, new Random(i)));
            } catch (UnusableSample e) {
                // the set reports it; the strip shows the next pair
            }
        }
        if (rows.isEmpty()) {
            throw new IOException("no usable pair to render");
        }
        int width = rows.stream().mapToInt(Sample::width).max().getAsInt();
        int height = rows.stream().mapToInt(Sample::height).sum();
        FloatImage strip = FloatImage.zeros(3, height, 3 * width);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            int y0 = 0;
            for (int i = 0; i < rows.size(); i++) {
                Sample s = rows.get(i);
                int w = s.width();
                int h = s.height();
                float[] y;
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.create(s.input(), new Shape(1, spec.inputNc(), h, w));
                    y = g.forward(x, Pass.testTime(step, new long[] {i})).toFloatArray();
                }
                paste(strip, inputRgb(s.input(), spec.inputNc(), w, h, colorize), y0, 0);
                paste(strip, outputRgb(s.input(), y, w, h, colorize), y0, width);
                paste(strip, outputRgb(s.input(), s.target(), w, h, colorize), y0, 2 * width);
                y0 += h;
            }
        }
        return ImageWriter.write(strip, OutputFormat.png8(), Map.of("Software", "pix2pix-worker-train"), null);
    }

    private static FloatImage inputRgb(float[] x, int channels, int w, int h, boolean colorize) {
        int plane = w * h;
        if (colorize) {
            float[] gray = new float[plane];
            for (int i = 0; i < plane; i++) {
                gray[i] = (float) Lab.grayForL(LabTensors.unitToL(x[i]));
            }
            return new FloatImage(1, h, w, gray).toRgb();
        }
        return unit(x, channels, w, h);
    }

    /** A network-side tensor (or target) as an RGB image; colour models combine it with the input's L. */
    private static FloatImage outputRgb(float[] input, float[] out, int w, int h, boolean colorize) {
        if (colorize) {
            return LabTensors.toRgb(input, out, w, h);
        }
        return unit(out, out.length / (w * h), w, h);
    }

    /** [-1,1] channels-first -> [0,1] RGB; anything but 1 or 3 channels shows its first channel. */
    private static FloatImage unit(float[] v, int channels, int w, int h) {
        int c = channels == 3 ? 3 : 1;
        float[] shown = java.util.Arrays.copyOf(v, c * w * h);
        return new FloatImage(c, h, w, Tensors.toUnitClamped(shown)).toRgb();
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
