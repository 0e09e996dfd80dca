package dev.pix2pix.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reference's get_params/get_transform (data/base_dataset.py) worked by hand for each mode:
 * prepared sizes, crop ranges and the draw order of crop and mirror.
 */
class PreprocessingTest {
    static Preprocessing of(Preprocess mode, int load, int crop, boolean flip, int multiple) {
        return new Preprocessing(mode, load, crop, flip, multiple);
    }

    @Test
    void resizeAndCropResizesToTheLoadSquareAndCropsWithinIt() {
        Preprocessing p = of(Preprocess.RESIZE_AND_CROP, 286, 256, true, 256);
        assertEquals(new Preprocessing.Size(286, 286), p.prepared(256, 256));
        assertEquals(new Preprocessing.Size(286, 286), p.prepared(1000, 300));
        // x, y in [0, 30]: drawn x first, then y, then the mirror, as the project always did
        Random expect = new Random(5);
        int x = expect.nextInt(31);
        int y = expect.nextInt(31);
        boolean mirror = expect.nextBoolean();
        assertEquals(new Preprocessing.Window(x, y, 256, 256, mirror), p.draw(286, 286, new Random(5)));
        // load == crop: no range, no draw but the mirror
        Preprocessing flat = of(Preprocess.RESIZE_AND_CROP, 256, 256, true, 256);
        assertEquals(new Preprocessing.Window(0, 0, 256, 256, new Random(9).nextBoolean()), flat.draw(256, 256, new Random(9)));
        assertThrows(IllegalArgumentException.class, () -> of(Preprocess.RESIZE_AND_CROP, 200, 256, true, 256));
    }

    @Test
    void cropKeepsTheNativeSizeAndPadsWhereTheImageIsSmaller() {
        Preprocessing p = of(Preprocess.CROP, 0, 256, false, 256);
        assertEquals(new Preprocessing.Size(1024, 768), p.prepared(1024, 768));
        Random expect = new Random(3);
        int x = expect.nextInt(1024 - 256 + 1);
        int y = expect.nextInt(768 - 256 + 1);
        assertEquals(new Preprocessing.Window(x, y, 256, 256, false), p.draw(1024, 768, new Random(3)));
        // 300 x 200: x in [0, 44], y = 0 (randint(0, max(0, 200 - 256))); rows 200..255 are PIL's black padding
        Random e2 = new Random(4);
        assertEquals(new Preprocessing.Window(e2.nextInt(45), 0, 256, 256, false), p.draw(300, 200, new Random(4)));
    }

    @Test
    void scaleWidthAndCropKeepsTheAspectAtLeastTheCropHigh() {
        Preprocessing p = of(Preprocess.SCALE_WIDTH_AND_CROP, 286, 256, false, 256);
        // __scale_width: w = 286, h = int(max(286 * oh / ow, 256))
        assertEquals(new Preprocessing.Size(286, 429), p.prepared(400, 600)); // 286 * 600 / 400 = 429
        assertEquals(new Preprocessing.Size(286, 256), p.prepared(400, 300)); // 214.5 < 256
        assertEquals(new Preprocessing.Size(286, 381), p.prepared(300, 400)); // 381.33 -> 381
        // get_params: x in [0, 286 - 256], y in [0, 286 * h // w - 256]
        Random expect = new Random(11);
        int x = expect.nextInt(31);
        int y = expect.nextInt(429 - 256 + 1);
        assertEquals(new Preprocessing.Window(x, y, 256, 256, false), p.draw(286, 429, new Random(11)));
    }

    @Test
    void scaleWidthRoundsTheHeightToTheNetworksMultiple() {
        Preprocessing p = of(Preprocess.SCALE_WIDTH, 256, 256, true, 64);
        assertEquals(new Preprocessing.Size(256, 256), p.prepared(400, 300)); // max(192, 256)
        assertEquals(new Preprocessing.Size(256, 384), p.prepared(400, 600)); // 384 = 6 * 64
        assertEquals(new Preprocessing.Size(256, 448), p.prepared(300, 500)); // 426.67 -> 426 -> 6.66 -> 7 * 64
        // the whole image is the sample, only the mirror is drawn
        assertEquals(new Preprocessing.Window(0, 0, 256, 448, new Random(2).nextBoolean()), p.draw(256, 448, new Random(2)));
        assertThrows(IllegalArgumentException.class, () -> of(Preprocess.SCALE_WIDTH, 300, 256, true, 64));
    }

    @Test
    void noneRoundsTheNativeSizeToTheMultipleTiesToEven() {
        Preprocessing four = of(Preprocess.NONE, 0, 256, false, 4);
        assertEquals(new Preprocessing.Size(300, 200), four.prepared(301, 199)); // the reference's base 4
        Preprocessing p = of(Preprocess.NONE, 0, 256, false, 64);
        assertEquals(new Preprocessing.Size(1024, 704), p.prepared(1000, 700)); // 15.6 -> 16, 10.9 -> 11
        assertEquals(new Preprocessing.Size(128, 128), p.prepared(96, 160)); // 1.5 -> 2, 2.5 -> 2 (Python's round)
        assertEquals(new Preprocessing.Size(64, 64), p.prepared(10, 20)); // never below one multiple
        assertEquals(new Preprocessing.Window(0, 0, 1024, 768, false), p.draw(1024, 768, new Random(1)));
    }

    @Test
    void theCacheKeyNamesWhatThePreparedPixelsDependOn() {
        Preprocessing a = of(Preprocess.RESIZE_AND_CROP, 286, 256, true, 256);
        assertEquals(a.cacheKey(), of(Preprocess.RESIZE_AND_CROP, 286, 192, false, 64).cacheKey(), "crop and mirror are per sample");
        assertNotEquals(a.cacheKey(), of(Preprocess.RESIZE_AND_CROP, 300, 256, true, 256).cacheKey());
        assertNotEquals(a.cacheKey(), of(Preprocess.SCALE_WIDTH_AND_CROP, 286, 256, true, 256).cacheKey());
        assertNotEquals(of(Preprocess.NONE, 0, 256, true, 64).cacheKey(), of(Preprocess.NONE, 0, 256, true, 256).cacheKey());
        assertEquals(Preprocess.SCALE_WIDTH_AND_CROP, Preprocess.parse("scale_width_and_crop"));
        assertThrows(IllegalArgumentException.class, () -> Preprocess.parse("resize"));
    }
}
