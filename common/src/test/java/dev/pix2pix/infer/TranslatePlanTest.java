package dev.pix2pix.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.delivery.Limits;
import dev.pix2pix.image.DecodeLimits;
import dev.pix2pix.image.OutputFormat;
import dev.pix2pix.msg.TranslateJob;
import org.junit.jupiter.api.Test;

/** One mapping from a TranslateJob's options (or the CLI's flags) to engine settings. */
class TranslatePlanTest {
    private static TranslateJob.Options options(TranslateJob.Format format, Integer quality, Long maxPixels) {
        return new TranslateJob.Options(null, null, format, quality, null, maxPixels, null, null, null);
    }

    @Test
    void nullOptionsAreTheDefaultsWithTheCallersBatch() {
        TranslatePlan p = TranslatePlan.of(null, 3, Limits.DEFAULTS);
        InferenceSettings d = InferenceSettings.defaults();
        assertEquals(new InferenceSettings(d.renderSize(), d.evalMode(), 3, d.seed(), false), p.settings());
        assertEquals("png", p.output().format());
        assertEquals(DecodeLimits.DEFAULT_MAX_PIXELS, p.decode().maxPixels());
        assertEquals(Limits.DEFAULTS.maxPixels(), p.decode().maxPixels(), "the CLI's default is the workers'");
        assertEquals(DecodeLimits.defaults(), p.decode());
    }

    @Test
    void jpegQualityIsOneToAHundredAsInTheSchema() {
        TranslatePlan p = TranslatePlan.of(options(TranslateJob.Format.JPEG, 80, null), 1, Limits.DEFAULTS);
        assertEquals(OutputFormat.jpeg(0.8f), p.output().formatFor("a.png", null));
        TranslatePlan dflt = TranslatePlan.of(options(TranslateJob.Format.JPEG, null, null), 1, Limits.DEFAULTS);
        assertEquals(OutputPolicy.DEFAULT_JPEG_PERCENT / 100f, dflt.output().jpegQuality());
        assertThrows(IllegalArgumentException.class,
                () -> TranslatePlan.of(options(TranslateJob.Format.JPEG, 0, null), 1, Limits.DEFAULTS));
        assertThrows(IllegalArgumentException.class,
                () -> TranslatePlan.of(options(TranslateJob.Format.JPEG, 101, null), 1, Limits.DEFAULTS));
    }

    @Test
    void aJobMayLowerThePixelCeilingButNotRaiseIt() {
        Limits worker = Limits.DEFAULTS.withMaxPixels(1_000_000);
        assertEquals(500, TranslatePlan.of(options(null, null, 500L), 1, worker).decode().maxPixels());
        assertEquals(1_000_000, TranslatePlan.of(options(null, null, 80_000_000L), 1, worker).decode().maxPixels());
        assertEquals(worker.maxObjectBytes(), TranslatePlan.of(null, 1, worker).decode().maxFileBytes());
    }

    @Test
    void settingsTheEngineRefusesAreRefusedByName() {
        TranslateJob.Options both = new TranslateJob.Options(null, 256, null, null, null, null, null, null, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TranslatePlan.of(both, 1, Limits.DEFAULTS));
        assertTrue(e.getMessage().contains("full resolution"), e.getMessage());
        TranslateJob.Options eval = new TranslateJob.Options(true, 128, TranslateJob.Format.SAME, null, true, null, null,
                5L, null);
        TranslatePlan p = TranslatePlan.of(eval, 2, Limits.DEFAULTS);
        assertTrue(p.settings().evalMode());
        assertEquals(128, p.settings().renderSize());
        assertEquals(5L, p.settings().seed());
        assertFalse(p.settings().fullResolution());
        assertEquals("tif", p.output().outputKey("x.tiff").substring(2));
        assertEquals(TranslateJob.Format.JPEG, TranslateJob.Format.parse("JPEG"));
        assertThrows(IllegalArgumentException.class, () -> TranslateJob.Format.parse("gif"));
    }
}
