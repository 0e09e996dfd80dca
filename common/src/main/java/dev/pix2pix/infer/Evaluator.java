package dev.pix2pix.infer;

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
import dev.pix2pix.image.OutputFormat;
import dev.pix2pix.metrics.ImageMetrics;
import dev.pix2pix.metrics.ImageScore;
import dev.pix2pix.metrics.MetricsAccumulator;
import dev.pix2pix.metrics.MetricsSummary;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.Generator;
import dev.pix2pix.nn.HostUpload;
import dev.pix2pix.nn.Pass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Evaluates a generator on a paired test set the way the reference's test script does (each image
 * resized to the model's size, test-time mode unless eval mode is asked), with the metrics of
 * shared/tools/metrics.py. The report folder holds fake/ and real/ images (so the Python script
 * can be run on them), the best and worst k by L1 with error maps, metrics.json and index.html.
 */
public final class Evaluator {
    private final Generator g;
    private final ModelInfo info;
    private final boolean evalMode;
    private final boolean grayBaseline;

    public Evaluator(Generator g, ModelInfo info, boolean evalMode) {
        this(g, info, evalMode, false);
    }

    /**
     * @param grayBaseline for colorize models: score the gray baseline (the input's lightness with zero
     *     chroma) instead of the model, for comparison in the same report format
     */
    public Evaluator(Generator g, ModelInfo info, boolean evalMode, boolean grayBaseline) {
        if (grayBaseline && !info.colorize()) {
            throw new IllegalArgumentException("the gray baseline applies to colorization models");
        }
        this.g = g;
        this.info = info;
        this.evalMode = evalMode;
        this.grayBaseline = grayBaseline;
    }

    /**
     * Scores every usable pair of a set opened with {@link dev.pix2pix.data.Preprocessing#evaluation} at
     * the model's size (unusable ones are skipped; the set reports them).
     */
    public MetricsSummary run(TrainingSet data, Path report, int k, IntConsumer progress, NDManager manager)
            throws IOException {
        MetricsAccumulator acc = new MetricsAccumulator(true);
        if (report != null) {
            Files.createDirectories(report.resolve("fake"));
            Files.createDirectories(report.resolve("real"));
        }
        int in = g.spec().inputNc();
        int scored = 0;
        for (int i = 0; i < data.size(); i++) {
            Sample s;
            try {
                s = data.sample(i, new Random(0));
            } catch (UnusableSample e) {
                progress.accept(i + 1);
                continue;
            }
            int w = s.width();
            int h = s.height();
            float[] y;
            if (grayBaseline) {
                y = new float[g.spec().outputNc() * w * h];
            } else {
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = HostUpload.floats(step, s.input(), new Shape(1, in, h, w));
                    Pass pass = evalMode ? Pass.eval(step) : Pass.testTime(step, new long[] {i});
                    y = g.forward(x, pass).toFloatArray();
                }
            }
            FloatImage fake = toRgb(s.input(), y, w, h);
            FloatImage real = toRgb(s.input(), s.target(), w, h);
            String id = stem(data.name(i));
            acc.add(id, fake, real);
            scored++;
            if (report != null) {
                Files.write(report.resolve("fake").resolve(id + ".png"), png(fake));
                Files.write(report.resolve("real").resolve(id + ".png"), png(real));
            }
            progress.accept(i + 1);
        }
        if (scored == 0) {
            throw new IOException("no usable pair to evaluate (" + data.report().skipped().size() + " skipped)");
        }
        MetricsSummary summary = acc.summary();
        if (report != null) {
            writeReport(report, summary, k);
        }
        return summary;
    }

    /** Network output (and for colorize, the input L) as an RGB image in [0,1]. */
    FloatImage toRgb(float[] input, float[] out, int w, int h) {
        if (info.colorize()) {
            return LabTensors.toRgb(input, out, w, h);
        }
        int c = out.length / (w * h);
        FloatImage img = new FloatImage(c, h, w, Tensors.toUnitClamped(out));
        return c == 1 ? img.toRgb() : img;
    }

    private void writeReport(Path report, MetricsSummary s, int k) throws IOException {
        Files.writeString(report.resolve("metrics.json"), s.toJson() + "\n");
        StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Evaluation</title>"
                + "<style>body{font-family:sans-serif}img{width:192px}td{padding:4px}</style></head><body>");
        h.append("<h1>Evaluation</h1><pre>").append(ContactSheet.esc(s.toJson())).append("</pre>");
        Files.createDirectories(report.resolve("error"));
        for (String title : List.of("best", "worst")) {
            List<ImageScore> list = title.equals("best") ? s.best(k) : s.worst(k);
            h.append("<h2>").append(k).append(' ').append(title).append(" by L1</h2><table>"
                    + "<tr><th>image</th><th>L1</th><th>output</th><th>truth</th><th>|error|</th></tr>");
            for (ImageScore sc : list) {
                FloatImage fake = FloatImage.fromBufferedImage(
                        javax.imageio.ImageIO.read(report.resolve("fake").resolve(sc.id() + ".png").toFile()));
                FloatImage real = FloatImage.fromBufferedImage(
                        javax.imageio.ImageIO.read(report.resolve("real").resolve(sc.id() + ".png").toFile()));
                Files.write(report.resolve("error").resolve(sc.id() + ".png"), png(ImageMetrics.errorMap(fake, real)));
                String id = ContactSheet.esc(sc.id());
                h.append(String.format("<tr><td>%s</td><td>%.4f</td><td><img src=\"fake/%s.png\"></td>"
                        + "<td><img src=\"real/%s.png\"></td><td><img src=\"error/%s.png\"></td></tr>", id, sc.l1(), id, id, id));
            }
            h.append("</table>");
        }
        h.append("</body></html>\n");
        Files.write(report.resolve("index.html"), h.toString().getBytes(StandardCharsets.UTF_8));
    }

    static byte[] png(FloatImage img) throws IOException {
        return ImageWriter.write(img, OutputFormat.png8(), Map.of(), null);
    }

    static String stem(String name) {
        String n = name.replace('\\', '/').replace('/', '_');
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
