package dev.pix2pix.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.image.DecodedImage;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.Lab;
import dev.pix2pix.image.Provenance;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.UnetGenerator;
import dev.pix2pix.testing.HostileFiles;
import dev.pix2pix.testing.TestData;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive colorization path on real scans and colour photos turned gray: exact sizes and
 * orientation, luminance preserved, 16-bit and sepia inputs, hostile files failing alone by name,
 * and outputs independent of batching. The model is small and untrained: these are properties of
 * the pipeline, not of the model's skill.
 */
class ArchiveColorizationIT {
    static NDManager manager;
    static UnetGenerator g;
    static ModelInfo info;

    @BeforeAll
    static void model() {
        manager = NDManager.newBaseManager(Device.cpu());
        ModelSpec spec = new ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 1, 2, true, true);
        g = new UnetGenerator(spec, manager, 11);
        info = new ModelInfo(ModelInfo.FORMAT, spec, "colorize", "color", null, 64, 0, 0, "test", "now", "test");
    }

    @AfterAll
    static void close() {
        g.close();
        manager.close();
    }

    static TranslatePipeline pipeline(int batch, OutputPolicy policy) {
        Translator t = new Translator(g, info, new InferenceSettings(64, false, batch, 0));
        return new TranslatePipeline(t, new ImageDecoder(), policy, Provenance.colorized("s3://models/test/", "test"), 2);
    }

    static Map<String, ItemResult> run(Path in, Path out, int batch, OutputPolicy policy) throws Exception {
        List<String> keys = FolderIO.keys(in);
        List<ItemResult> results = pipeline(batch, policy).run(keys, FolderIO.source(in), FolderIO.sink(out),
                r -> {}, () -> false, manager);
        assertEquals(keys.size(), results.size(), "every input ends as exactly one result");
        Map<String, ItemResult> byKey = new HashMap<>();
        for (ItemResult r : results) {
            byKey.put(r.input(), r);
        }
        return byKey;
    }

    @Test
    void realScansKeepSizeAndLuminance(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in.resolve("box1"));
        Path scans = TestData.dataset("archive-bw");
        List<Path> files;
        try (Stream<Path> s = Files.walk(scans)) {
            files = s.filter(Files::isRegularFile).sorted().limit(5).collect(Collectors.toList());
        }
        for (Path f : files) {
            Files.copy(f, in.resolve("box1").resolve(f.getFileName()));
        }
        Path out = tmp.resolve("out");
        Map<String, ItemResult> results = run(in, out, 2, OutputPolicy.defaults());
        ImageDecoder dec = new ImageDecoder();
        for (Path f : files) {
            String key = "box1/" + f.getFileName();
            ItemResult r = results.get(key);
            assertEquals(ItemResult.Status.OK, r.status(), key + ": " + r.error());
            assertTrue(r.output().endsWith(".png") && r.output().startsWith("box1/"), r.output());
            DecodedImage src = dec.decode(f);
            DecodedImage dst = dec.decode(out.resolve(r.output()));
            assertEquals(src.width(), dst.width(), key);
            assertEquals(src.height(), dst.height(), key);
            assertLuminanceKept(src.image(), dst.image(), 1.0, 0.3, key);
        }
    }

    @Test
    void grayedColourPhotosSepiaAnd16BitMasters(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        Path photos = TestData.dataset("color-photos/cset5");
        List<Path> files;
        try (Stream<Path> s = Files.list(photos)) {
            files = s.sorted().limit(2).collect(Collectors.toList());
        }
        BufferedImage photo = ImageIO.read(files.get(0).toFile());
        ImageIO.write(toGray8(photo), "png", in.resolve("gray.png").toFile());
        ImageIO.write(sepia(ImageIO.read(files.get(1).toFile())), "png", in.resolve("sepia.png").toFile());
        ImageIO.write(toGray16(photo), "tiff", in.resolve("master16.tif").toFile());
        Path out = tmp.resolve("out");
        Map<String, ItemResult> results = run(in, out, 3, new OutputPolicy("same", 0.95f, true));
        ImageDecoder dec = new ImageDecoder();
        for (ItemResult r : results.values()) {
            assertEquals(ItemResult.Status.OK, r.status(), r.input() + ": " + r.error());
        }
        assertEquals("gray.png", results.get("gray.png").output());
        assertEquals("master16.tif", results.get("master16.tif").output());
        DecodedImage master = dec.decode(out.resolve("master16.tif"));
        assertEquals(16, master.bitDepth(), "16-bit input, 16-bit master on request");
        DecodedImage src16 = dec.decode(in.resolve("master16.tif"));
        assertLuminanceKept(src16.image(), master.image(), 0.1, 0.02, "16-bit master");
        assertLuminanceKept(dec.decode(in.resolve("gray.png")).image(), dec.decode(out.resolve("gray.png")).image(),
                1.0, 0.3, "gray");
        // a toned print: its luminance is kept, the tone is replaced by the model's colours
        assertLuminanceKept(dec.decode(in.resolve("sepia.png")).image(), dec.decode(out.resolve("sepia.png")).image(),
                1.0, 0.3, "sepia");
        String png = new String(Files.readAllBytes(out.resolve("gray.png")), StandardCharsets.ISO_8859_1);
        assertTrue(png.contains("s3://models/test/"), "provenance: the model is named in the output's metadata");
    }

    @Test
    void hostileFilesFailAloneWithTheirReason(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        BufferedImage ok = new BufferedImage(40, 20, BufferedImage.TYPE_BYTE_GRAY);
        ok.getRaster().setSample(3, 3, 0, 200);
        byte[] jpeg = encode(ok, "jpg");
        Files.write(in.resolve("good.jpg"), jpeg);
        Files.write(in.resolve("rotated.jpg"), HostileFiles.withExifOrientation(jpeg, 6));
        Files.write(in.resolve("empty.png"), new byte[0]);
        Files.write(in.resolve("truncated.jpg"), HostileFiles.truncated(encode(noise(120, 90), "jpg"), 0.5));
        Files.write(in.resolve("notes.png"), "not an image at all".getBytes(StandardCharsets.UTF_8));
        Files.write(in.resolve("cmyk.jpg"), HostileFiles.cmykJpeg());
        Files.write(in.resolve("bomb.png"), HostileFiles.bombPng());
        Path out = tmp.resolve("out");
        Map<String, ItemResult> r = run(in, out, 4, OutputPolicy.defaults());
        assertEquals(ItemResult.Status.OK, r.get("good.jpg").status());
        BufferedImage rotated = ImageIO.read(out.resolve("rotated.png").toFile());
        assertEquals(20, rotated.getWidth(), "EXIF orientation 6 honoured: stored upright");
        assertEquals(40, rotated.getHeight());
        Map<String, String> expected = Map.of("empty.png", "EMPTY", "truncated.jpg", "TRUNCATED", "notes.png",
                "UNSUPPORTED_FORMAT", "cmyk.jpg", "CMYK", "bomb.png", "TOO_LARGE");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            ItemResult f = r.get(e.getKey());
            assertEquals(ItemResult.Status.FAILED, f.status(), e.getKey());
            assertEquals(e.getValue(), f.reason(), e.getKey() + ": " + f.error());
            assertTrue(f.error().contains(e.getKey()), "the reason names the file: " + f.error());
            assertTrue(!Files.exists(out.resolve(new OutputPolicy("png", 0.9f, false).outputKey(e.getKey()))));
        }
    }

    @Test
    void outputBytesDoNotDependOnBatchOrRedelivery(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        for (int i = 0; i < 5; i++) {
            ImageIO.write(noise(50 + 13 * i, 70 - 7 * i), "png", in.resolve("img" + i + ".png").toFile());
        }
        run(in, tmp.resolve("alone"), 1, OutputPolicy.defaults());
        run(in, tmp.resolve("batched"), 4, OutputPolicy.defaults());
        for (int i = 0; i < 5; i++) {
            String k = "img" + i + ".png";
            assertArrayEquals(Files.readAllBytes(tmp.resolve("alone").resolve(k)),
                    Files.readAllBytes(tmp.resolve("batched").resolve(k)), k);
        }
        // redelivery: everything already written is skipped, nothing rewritten
        Map<String, ItemResult> again = run(in, tmp.resolve("batched"), 4, OutputPolicy.defaults());
        for (ItemResult r : again.values()) {
            assertEquals(ItemResult.Status.EXISTS, r.status());
        }
    }

    static void assertLuminanceKept(FloatImage in, FloatImage out, double maxDiff, double meanDiff, String what) {
        float[] a = Lab.lightnessPlane(in);
        float[] b = Lab.lightnessPlane(out);
        assertEquals(a.length, b.length);
        double max = 0;
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            max = Math.max(max, d);
            sum += d;
        }
        assertTrue(max <= maxDiff, what + ": max |dL| " + max);
        assertTrue(sum / a.length <= meanDiff, what + ": mean |dL| " + sum / a.length);
    }

    static BufferedImage toGray8(BufferedImage src) {
        BufferedImage g = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        g.getGraphics().drawImage(src, 0, 0, null);
        return g;
    }

    static BufferedImage toGray16(BufferedImage src) {
        BufferedImage g = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        short[] px = ((DataBufferUShort) g.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int rgb = src.getRGB(x, y);
                double l = 0.2126 * ((rgb >> 16) & 255) + 0.7152 * ((rgb >> 8) & 255) + 0.0722 * (rgb & 255);
                px[y * src.getWidth() + x] = (short) Math.round(l / 255.0 * 65535 * 0.999 + (x % 7) * 3);
            }
        }
        return g;
    }

    static BufferedImage sepia(BufferedImage src) {
        BufferedImage s = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int rgb = src.getRGB(x, y);
                double g = 0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
                int r = (int) Math.min(255, g * 1.07);
                int gg = (int) Math.min(255, g * 0.74);
                int b = (int) Math.min(255, g * 0.43);
                s.setRGB(x, y, (r << 16) | (gg << 8) | b);
            }
        }
        return s;
    }

    static BufferedImage noise(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(w * 31L + h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (x * 3 + y * 2 + r.nextInt(40)) & 255;
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String fmt) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, fmt, b);
        return b.toByteArray();
    }
}
