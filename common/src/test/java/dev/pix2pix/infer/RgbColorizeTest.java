package dev.pix2pix.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.Lab;
import dev.pix2pix.model.CodeVersion;
import dev.pix2pix.model.Generator;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An RGB model (CycleGAN's gray -> colour generator) in colorize mode: the output keeps the input's own
 * full-resolution lightness and takes only the model's chroma; in translate mode it is the model's RGB as is.
 */
class RgbColorizeTest {
    static final ModelSpec SPEC = new ModelSpec("resnet_6blocks", "basic", 3, 4, 4, "instance", 3, 3, false, false);
    static final ModelInfo INFO = new ModelInfo(ModelInfo.FORMAT, SPEC, "translate", "unaligned", "AtoB", 32, 0, 0,
            CodeVersion.get(), "now", "test");

    @Test
    void colorizeModeKeepsTheInputsLightnessAtFullResolution() {
        FloatImage gray = FullResolutionTest.texture(90, 70, 3);
        float[] g = new float[90 * 70];
        System.arraycopy(gray.data(), 0, g, 0, g.length);
        FloatImage in = new FloatImage(1, 70, 90, g);
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); Generator gen = Generator.create(SPEC, m, 5)) {
            InferenceSettings s = new InferenceSettings(32, true, 1, 0);
            FloatImage colorized = new Translator(gen, INFO, s, true).translate(List.of(new Translator.Item("x", in)), m)
                    .get(0);
            FloatImage translated = new Translator(gen, INFO, s, false).translate(List.of(new Translator.Item("x", in)), m)
                    .get(0);
            assertEquals(90, colorized.width());
            assertEquals(70, colorized.height());
            float[] lIn = Lab.lightnessPlane(in);
            float[] lColor = Lab.lightnessPlane(colorized);
            float[] lTrans = Lab.lightnessPlane(translated);
            double dColor = 0;
            double dTrans = 0;
            for (int i = 0; i < lIn.length; i++) {
                dColor = Math.max(dColor, Math.abs(lIn[i] - lColor[i]));
                dTrans += Math.abs(lIn[i] - lTrans[i]) / lIn.length;
            }
            assertTrue(dColor < 1.0, "colorized lightness differs from the input's by up to " + dColor + " L");
            assertTrue(dTrans > 2.0, "the translated output has the model's own lightness (mean |dL| " + dTrans + ")");
        }
    }

    @Test
    void whichModesFitWhichModels() {
        assertNull(Translator.modeRefusal(INFO, null));
        assertNull(Translator.modeRefusal(INFO, "translate"));
        assertNull(Translator.modeRefusal(INFO, "colorize"));
        ModelSpec lab = new ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 1, 2, true, true);
        ModelInfo colorize = new ModelInfo(ModelInfo.FORMAT, lab, "colorize", "color", null, 64, 0, 0, "v", "now", "t");
        assertNull(Translator.modeRefusal(colorize, "colorize"));
        assertNotNull(Translator.modeRefusal(colorize, "translate"));
        ModelSpec labels = new ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 3, 1, true, true);
        ModelInfo oneChannel = new ModelInfo(ModelInfo.FORMAT, labels, "translate", "aligned", "AtoB", 64, 0, 0, "v", "now", "t");
        assertTrue(Translator.modeRefusal(oneChannel, "colorize").contains("1 output channels"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); Generator gen = Generator.create(labels, m, 5)) {
            assertThrows(IllegalArgumentException.class,
                    () -> new Translator(gen, oneChannel, new InferenceSettings(64, true, 1, 0), true));
        }
    }
}
