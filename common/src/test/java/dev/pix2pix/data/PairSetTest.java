package dev.pix2pix.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.image.DecodeException;
import dev.pix2pix.image.DecodedImage;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.Resize;
import dev.pix2pix.testing.HostileFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairSetTest {
    static final Preprocessing AT_32 = new Preprocessing(Preprocess.RESIZE_AND_CROP, 36, 32, true, 1);

    static PairSet.Builder aligned(DataFiles files) {
        return PairSet.builder(files, Layout.ALIGNED).preprocessing(AT_32);
    }

    @Test
    void unusableFilesAreSkippedWithServingsReasonsAndNamedOnce(@TempDir Path tmp) throws Exception {
        SetFiles.png(tmp.resolve("good.png"), SetFiles.image(64, 32, 1));
        Files.write(tmp.resolve("empty.png"), new byte[0]);
        ByteArrayOutputStream full = new ByteArrayOutputStream();
        ImageIO.write(SetFiles.image(64, 32, 2), "png", full);
        Files.write(tmp.resolve("cut.png"), HostileFiles.truncated(full.toByteArray(), 0.6));
        Files.write(tmp.resolve("bomb.png"), HostileFiles.bombPng());
        SetFiles.png(tmp.resolve("narrow.png"), SetFiles.image(1, 8, 3));
        Files.writeString(tmp.resolve("notes.txt"), "not an image");
        List<String> warnings = new ArrayList<>();
        try (PairSet set = aligned(DataFiles.folder(tmp)).warnings(warnings::add).open()) {
            assertEquals(5, set.size(), "opening lists the images only");
            Map<String, String> reasons = new TreeMap<>();
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < set.size(); i++) {
                    try {
                        Sample s = set.sample(i, new Random(i));
                        assertEquals("good.png", s.name());
                        assertEquals(32, s.width());
                    } catch (UnusableSample u) {
                        reasons.put(u.name(), u.reason());
                    }
                }
            }
            assertEquals(Map.of("bomb.png", "TOO_LARGE", "cut.png", "TRUNCATED", "empty.png", "EMPTY",
                    "narrow.png", UnusableSample.TOO_SMALL), reasons);
            assertEquals(4, warnings.size(), "each one reported once: " + warnings);
            assertTrue(warnings.stream().anyMatch(w -> w.contains("cut.png") && w.contains("TRUNCATED")), warnings::toString);
            DataReport r = set.report();
            assertEquals(5, r.listed());
            assertEquals(1, r.usable());
            assertEquals(4, r.unreadable());
            assertTrue(r.complete());
            // the reason serving gives for the same bytes
            ImageDecoder serving = new ImageDecoder();
            for (String f : List.of("empty.png", "cut.png", "bomb.png")) {
                DecodeException e = assertThrows(DecodeException.class,
                        () -> serving.decode(Files.readAllBytes(tmp.resolve(f)), f));
                assertEquals(e.reason().name(), reasons.get(f), f);
            }
        }
    }

    @Test
    void aFoldersPairWithoutItsBIsSkipped(@TempDir Path tmp) throws Exception {
        SetFiles.png(tmp.resolve("A/1.png"), SetFiles.image(40, 40, 1));
        SetFiles.png(tmp.resolve("B/1.png"), SetFiles.image(40, 40, 2));
        SetFiles.png(tmp.resolve("A/2.png"), SetFiles.image(40, 40, 3));
        try (PairSet set = PairSet.builder(DataFiles.folder(tmp), Layout.FOLDERS).preprocessing(AT_32).open()) {
            assertEquals(2, set.size());
            assertEquals(32, set.sample(0, new Random(1)).width());
            UnusableSample u = assertThrows(UnusableSample.class, () -> set.sample(1, new Random(1)));
            assertEquals(UnusableSample.MISSING_PAIR, u.reason());
            assertEquals("A/2.png", u.name());
        }
    }

    @Test
    void colourSetsSkipPhotosThatAreAlreadyGrayAndCountThem(@TempDir Path tmp) throws Exception {
        SetFiles.png(tmp.resolve("a.png"), SetFiles.image(40, 40, 1));
        SetFiles.png(tmp.resolve("b.png"), SetFiles.image(40, 40, 2));
        BufferedImage gray = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY);
        gray.getGraphics().drawImage(SetFiles.image(40, 40, 3), 0, 0, null);
        SetFiles.png(tmp.resolve("gray-file.png"), gray);
        BufferedImage rgbGray = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        rgbGray.getGraphics().drawImage(gray, 0, 0, null);
        SetFiles.png(tmp.resolve("gray-in-rgb.png"), rgbGray);
        try (PairSet set = PairSet.builder(DataFiles.folder(tmp), Layout.COLOR).preprocessing(AT_32).open()) {
            int usable = 0;
            for (int i = 0; i < set.size(); i++) {
                try {
                    Sample s = set.sample(i, new Random(0));
                    assertEquals(32 * 32, s.input().length, "L");
                    assertEquals(2 * 32 * 32, s.target().length, "ab");
                    usable++;
                } catch (UnusableSample u) {
                    assertEquals(UnusableSample.GRAYSCALE, u.reason(), u.getMessage());
                }
            }
            assertEquals(2, usable);
            assertEquals(2, set.report().grayscale());
            assertEquals(0, set.report().unreadable());
        }
    }

    @Test
    void maxImagesTakesASeededRandomSubsetInNameOrder(@TempDir Path tmp) throws Exception {
        for (int i = 0; i < 20; i++) {
            SetFiles.png(tmp.resolve(String.format("%02d.png", i)), SetFiles.image(16, 8, i));
        }
        List<String> a = names(aligned(DataFiles.folder(tmp)).maxImages(5, 1).open());
        assertEquals(5, a.size());
        assertEquals(a, names(aligned(DataFiles.folder(tmp)).maxImages(5, 1).open()), "the same seed, the same subset");
        assertNotEquals(a, names(aligned(DataFiles.folder(tmp)).maxImages(5, 2).open()), "another seed, another subset");
        assertNotEquals(List.of("00.png", "01.png", "02.png", "03.png", "04.png"), a, "not the first five by name");
        List<String> sorted = new ArrayList<>(a);
        sorted.sort(null);
        assertEquals(sorted, a);
        assertEquals(20, names(aligned(DataFiles.folder(tmp)).maxImages(0, 1).open()).size());
        assertEquals(20, names(aligned(DataFiles.folder(tmp)).maxImages(50, 1).open()).size());
    }

    static List<String> names(PairSet set) {
        try (set) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < set.size(); i++) {
                out.add(set.name(i));
            }
            return out;
        }
    }

    @Test
    void samplesArePixelsOfTheServingDecoderAndOneAntialiasedResize(@TempDir Path tmp) throws Exception {
        // stored rotated: Exif orientation 6 turns the 60 x 40 JPEG into a 40 x 60 picture, as at serving time
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(SetFiles.image(60, 40, 4), "jpeg", jpeg);
        byte[] bytes = HostileFiles.withExifOrientation(jpeg.toByteArray(), 6);
        Files.write(tmp.resolve("rotated.jpg"), bytes);
        Preprocessing none = new Preprocessing(Preprocess.NONE, 0, 8, false, 4);
        try (PairSet set = PairSet.builder(DataFiles.folder(tmp), Layout.COLOR).preprocessing(none).open()) {
            Sample s = set.sample(0, new Random(0));
            assertEquals(40, s.width());
            assertEquals(60, s.height());
        }
        // resize_and_crop at 24 (a downscale), whole image: the serving decoder, Resize.bicubic, 8 bits, Tensors
        Preprocessing shrink = new Preprocessing(Preprocess.RESIZE_AND_CROP, 24, 24, false, 1);
        SetFiles.png(tmp.resolve("x/pair.png"), SetFiles.image(120, 60, 5));
        try (PairSet set = PairSet.builder(DataFiles.folder(tmp.resolve("x")), Layout.ALIGNED).preprocessing(shrink).open()) {
            Sample s = set.sample(0, new Random(0));
            DecodedImage d = new ImageDecoder().decode(tmp.resolve("x/pair.png"));
            FloatImage a = Resize.bicubic8(d.image().crop(0, 0, 60, 60), 24, 24);
            float[] expect = Tensors.chw(a.toRgb8(), 24, 0, 0, 24, 24, 3, false);
            assertArrayEquals(expect, s.input());
        }
    }
}
