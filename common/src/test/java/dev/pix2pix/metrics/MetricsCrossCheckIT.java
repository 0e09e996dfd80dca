package dev.pix2pix.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.image.DecodedImage;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.Grayscale;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.ImageWriter;
import dev.pix2pix.image.Lab;
import dev.pix2pix.image.OutputFormat;
import dev.pix2pix.image.Resize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.pix2pix.testing.Prerequisite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agreement with the reference /work/shared/tools/metrics.py, run as a subprocess on generated PNG pairs. */
class MetricsCrossCheckIT {
    private static final Path CSET5 = dev.pix2pix.testing.TestData.shared("datasets/color-photos/cset5");
    private static final double TOL = 1e-3;

    @TempDir
    Path dir;
    private String python;
    private Path script;

    @BeforeEach
    void needPython() {
        script = ReferencePython.script();
        Prerequisite.require(script != null, "metrics.py not found");
        python = ReferencePython.interpreter();
        Prerequisite.require(python != null, "no python3 with numpy and PIL (apt-get install python3-numpy python3-pil)");
    }

    /** Same-size pairs: blur, shift, desaturation, colour cast with clipped whites, identical, gray, synthetic. */
    private Map<String, FloatImage[]> pairs() throws IOException {
        List<FloatImage> sources = new ArrayList<>();
        if (CSET5 != null && Files.isDirectory(CSET5)) {
            ImageDecoder dec = new ImageDecoder();
            try (var s = Files.list(CSET5)) {
                for (Path p : s.sorted().toList()) {
                    FloatImage img = dec.decode(p).image().toRgb();
                    sources.add(Resize.area(img, 56, 56 * img.height() / img.width()));
                }
            }
        }
        while (sources.size() < 5) sources.add(synthetic(48, 40, sources.size()));
        Map<String, FloatImage[]> pairs = new LinkedHashMap<>();
        FloatImage a = sources.get(0);
        pairs.put("blur", new FloatImage[] {boxBlur(a), a});
        FloatImage b = sources.get(1);
        int w = b.width() - 3, h = b.height() - 2;
        pairs.put("shift", new FloatImage[] {b.crop(3, 2, w, h), b.crop(0, 0, w, h)});
        FloatImage c = sources.get(2);
        pairs.put("desaturated", new FloatImage[] {Grayscale.fromLightness(c).toRgb(), c});
        FloatImage d = sources.get(3);
        FloatImage cast = d.copy();
        for (int i = 0; i < cast.data().length; i++) cast.data()[i] = Math.min(1f, cast.data()[i] * 1.3f + 0.1f);
        pairs.put("cast", new FloatImage[] {cast, d});
        FloatImage e = sources.get(4);
        pairs.put("identical", new FloatImage[] {e.copy(), e});
        FloatImage g = Grayscale.fromLightness(sources.get(0));
        pairs.put("gray", new FloatImage[] {Grayscale.fromLightness(boxBlur(sources.get(0))), g});
        pairs.put("synthetic", new FloatImage[] {synthetic(40, 33, 8), synthetic(40, 33, 9)});
        return pairs;
    }

    @Test
    void setMetricsAgreeWithMetricsPy() throws IOException {
        Path fakeDir = Files.createDirectories(dir.resolve("fake")), realDir = Files.createDirectories(dir.resolve("real"));
        MetricsAccumulator acc = new MetricsAccumulator();
        ImageDecoder dec = new ImageDecoder();
        Map<String, FloatImage[]> pairs = pairs();
        for (Map.Entry<String, FloatImage[]> p : pairs.entrySet()) {
            Path f = fakeDir.resolve(p.getKey() + ".png"), r = realDir.resolve(p.getKey() + ".png");
            Files.write(f, ImageWriter.write(p.getValue()[0], OutputFormat.png8(), null, null));
            Files.write(r, ImageWriter.write(p.getValue()[1], OutputFormat.png8(), null, null));
            // score what was written, as the script does
            DecodedImage fd = dec.decode(f), rd = dec.decode(r);
            acc.add(p.getKey(), fd.image(), rd.image());
        }
        MetricsSummary java = acc.summary();
        Map<String, Double> py = runScript(fakeDir, realDir);
        assertEquals(pairs.size(), py.get("count").intValue());
        assertEquals(pairs.size(), java.count());
        MetricsSummary full = java;
        assertClose(py, "L1", full.l1());
        assertClose(py, "PSNR", full.psnr());
        assertClose(py, "SSIM", full.ssim());
        assertClose(py, "L", full.labHistIntersection().l());
        assertClose(py, "a", full.labHistIntersection().a());
        assertClose(py, "b", full.labHistIntersection().b());
        assertClose(py, "colorfulnessFake", full.colorfulnessFake());
        assertClose(py, "colorfulnessReal", full.colorfulnessReal());
        // the rounded view is the script's output, key for key
        assertEquals(py, parse(java.toJson()));
    }

    /** One script run per pair (seven Python starts): the set-level check above is the fast default. */
    @Test
    @Tag("slow")
    void perPairMetricsAgreeWithMetricsPy() throws IOException {
        ImageDecoder dec = new ImageDecoder();
        for (Map.Entry<String, FloatImage[]> p : pairs().entrySet()) {
            Path fakeDir = Files.createDirectories(dir.resolve(p.getKey() + "-f")), realDir = Files.createDirectories(dir.resolve(p.getKey() + "-r"));
            Path f = fakeDir.resolve("x.png"), r = realDir.resolve("x.png");
            Files.write(f, ImageWriter.write(p.getValue()[0], OutputFormat.png8(), null, null));
            Files.write(r, ImageWriter.write(p.getValue()[1], OutputFormat.png8(), null, null));
            MetricsAccumulator acc = new MetricsAccumulator();
            acc.add(p.getKey(), dec.decode(f).image(), dec.decode(r).image());
            MetricsSummary s = acc.summary();
            Map<String, Double> py = runScript(fakeDir, realDir);
            String k = p.getKey();
            assertClose(py, "L1", s.l1(), k);
            assertClose(py, "PSNR", s.psnr(), k);
            assertClose(py, "SSIM", s.ssim(), k);
            assertClose(py, "L", s.labHistIntersection().l(), k);
            assertClose(py, "colorfulnessFake", s.colorfulnessFake(), k);
            if (k.equals("identical")) assertEquals(100.0, py.get("PSNR"));
            if (k.equals("gray")) assertEquals(0.0, py.get("colorfulnessReal"));
        }
    }

    @Test
    void labMatchesRgb2labIncludingWhiteOutsideTheLRange() throws IOException {
        Random rnd = new Random(21);
        StringBuilder rows = new StringBuilder();
        List<int[]> colours = new ArrayList<>();
        for (int i = 0; i < 256; i++) colours.add(new int[] {i, i, i});
        for (int i = 0; i < 500; i++) colours.add(new int[] {rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256)});
        for (int[] c : colours) rows.append(c[0]).append(',').append(c[1]).append(',').append(c[2]).append(';');
        String code = "import sys, numpy as np; sys.path.insert(0, sys.argv[1]); import metrics\n"
                + "x = np.array([[int(v) for v in t.split(',')] for t in sys.argv[2].split(';') if t], dtype=np.float64) / 255.0\n"
                + "for l, a, b in metrics.rgb2lab(x): print(repr(float(l)), repr(float(a)), repr(float(b)))\n";
        ReferencePython.Result res = ReferencePython.run(List.of(python, "-c", code, script.getParent().toString(), rows.toString()), 60);
        assertEquals(0, res.exit(), res.stderr());
        String[] lines = res.stdout().trim().split("\n");
        assertEquals(colours.size(), lines.length);
        double[] lab = new double[3];
        for (int i = 0; i < lines.length; i++) {
            String[] v = lines[i].trim().split(" ");
            int[] c = colours.get(i);
            Lab.fromRgb8(c[0], c[1], c[2], lab);
            for (int k = 0; k < 3; k++) assertEquals(Double.parseDouble(v[k]), lab[k], 1e-9, "colour " + c[0] + "," + c[1] + "," + c[2]);
            // bins must agree exactly at the edges that matter (L of white is just above 100)
            assertEquals(LabHistogram.bin(LabHistogram.EDGES[0], Double.parseDouble(v[0])), LabHistogram.bin(LabHistogram.EDGES[0], lab[0]));
        }
        Lab.fromRgb8(255, 255, 255, lab);
        assertEquals(-1, LabHistogram.bin(LabHistogram.EDGES[0], lab[0]), "white is outside [0,100] in both");
    }

    private Map<String, Double> runScript(Path fake, Path real) throws IOException {
        ReferencePython.Result res = ReferencePython.run(List.of(python, script.toString(), fake.toString(), real.toString()), 120);
        assertEquals(0, res.exit(), res.stderr() + res.stdout());
        Map<String, Double> m = parse(res.stdout());
        assertNotNull(m.get("L1"), res.stdout());
        return m;
    }

    /** Flat map of the numbers in the script's JSON line (nested Lab keys appear as L, a, b). */
    static Map<String, Double> parse(String json) {
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher k = Pattern.compile("\"(\\w+)\": (-?[0-9.eE+-]+|NaN)").matcher(json);
        while (k.find()) m.put(k.group(1), Double.parseDouble(k.group(2)));
        return m;
    }

    private static void assertClose(Map<String, Double> py, String key, double java) {
        assertClose(py, key, java, "set");
    }

    private static void assertClose(Map<String, Double> py, String key, double java, String what) {
        Double expected = py.get(key);
        assertNotNull(expected, key);
        // the script rounds (colourfulness to 0.01): allow that half unit on top of the 1e-3 agreement
        double unit = key.startsWith("colorfulness") ? 0.005 : key.equals("PSNR") ? 0.0005 : 0.00005;
        assertTrue(Math.abs(expected - java) <= TOL + unit,
                String.format(Locale.ROOT, "%s %s: metrics.py %s, Java %.6f", what, key, expected, java));
    }

    private static FloatImage boxBlur(FloatImage img) {
        FloatImage out = img.copy();
        int h = img.height(), w = img.width();
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    int n = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int yy = y + dy, xx = x + dx;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                s += img.get(c, yy, xx);
                                n++;
                            }
                        }
                    }
                    out.set(c, y, x, s / n);
                }
            }
        }
        return out;
    }

    private static FloatImage synthetic(int w, int h, long seed) {
        Random rnd = new Random(seed);
        FloatImage img = FloatImage.zeros(3, h, w);
        for (int i = 0; i < img.data().length; i++) img.data()[i] = rnd.nextFloat() < 0.05f ? 1f : rnd.nextFloat();
        return img;
    }
}
