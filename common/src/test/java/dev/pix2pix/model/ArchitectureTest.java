package dev.pix2pix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.nn.Pass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchitectureTest {

    private static ModelSpec spec(String g, String d, int n, String norm, int in, int out) {
        return new ModelSpec(g, d, n, 64, 64, norm, in, out, true, true);
    }

    @Test
    void unet256HasTheReferenceParameterCount() {
        try (NDManager m = NDManager.newBaseManager();
                UnetGenerator g = new UnetGenerator(ModelSpec.defaults(), m, 1)) {
            assertEquals(54_413_955L, g.params().countTrainable());
        }
    }

    @Test
    void patchGan70HasTheReferenceParameterCount() {
        try (NDManager m = NDManager.newBaseManager();
                PatchDiscriminator d = new PatchDiscriminator(ModelSpec.defaults(), m, 1)) {
            assertEquals(2_768_705L, d.params().countTrainable());
        }
    }

    @ParameterizedTest
    @CsvSource({"pixel,1,1", "n_layers,1,16", "basic,3,70", "n_layers,5,286"})
    void receptiveFields(String netD, int n, int rf) {
        try (NDManager m = NDManager.newBaseManager();
                PatchDiscriminator d = new PatchDiscriminator(spec("unet_256", netD, n, "batch", 3, 3), m, 1)) {
            assertEquals(rf, d.receptiveField());
        }
    }

    @Test
    void stateDictKeysFollowTheReferenceLayout() {
        try (NDManager m = NDManager.newBaseManager();
                UnetGenerator g = new UnetGenerator(ModelSpec.defaults(), m, 1)) {
            var sd = g.params().stateDict(m);
            var keys = sd.keySet();
            assertTrue(keys.contains("model.model.0.weight"));
            assertTrue(keys.contains("model.model.3.bias"), "outermost upconv has a bias");
            assertTrue(keys.contains("model.model.1.model.2.running_var"));
            String innermost = "model.model.1" + ".model.3".repeat(6) + ".model.";
            assertTrue(keys.contains(innermost + "1.weight"), innermost);
            assertTrue(keys.contains(innermost + "4.running_mean"));
            String upconv = "model.model.1.model.3.model.3.model.5.weight";
            assertEquals(new Shape(1024, 256, 4, 4), sd.get(upconv).getShape(),
                    "transposed conv weight is [Cin, Cout, 4, 4] in the state dict");
            assertEquals(new Shape(4 * 256, 1024, 2, 2), g.params().get(upconv).getShape(), "and phase layout inside");
        }
    }

    @ParameterizedTest
    @CsvSource({"unet_64,64,batch,1,2", "unet_64,128,instance,3,3", "encdec_64,64,none,3,3", "unet_128,128,batch,3,3"})
    void generatorsMapSizes(String netG, int size, String norm, int in, int out) {
        ModelSpec s = new ModelSpec(netG, "basic", 3, 8, 8, norm, in, out, true, true);
        try (NDManager m = NDManager.newBaseManager();
                UnetGenerator g = new UnetGenerator(s, m, 1);
                NDManager step = m.newSubManager()) {
            NDArray x = step.randomUniform(-1, 1, new Shape(2, in, size, size * 2L));
            NDArray y = g.forward(x, Pass.train(step));
            assertEquals(new Shape(2, out, size, size * 2L), y.getShape());
            float[] v = y.toFloatArray();
            for (float f : v) {
                assertTrue(f >= -1 && f <= 1, "tanh output");
            }
            NDArray e = g.forward(x, Pass.eval(step));
            assertEquals(y.getShape(), e.getShape());
        }
    }

    @Test
    void refusesSizesTheNetCannotHalveEnough() {
        ModelSpec s = new ModelSpec("unet_64", "basic", 3, 8, 8, "batch", 3, 3, true, true);
        try (NDManager m = NDManager.newBaseManager(); UnetGenerator g = new UnetGenerator(s, m, 1)) {
            NDArray x = m.zeros(new Shape(1, 3, 48, 64));
            assertThrows(IllegalArgumentException.class, () -> g.forward(x, Pass.eval(m)));
        }
    }

    @Test
    void encoderDecoderHasFewerParametersThanUnet() {
        try (NDManager m = NDManager.newBaseManager();
                UnetGenerator u = new UnetGenerator(spec("unet_256", "basic", 3, "batch", 3, 3), m, 1);
                UnetGenerator e = new UnetGenerator(spec("encdec_256", "basic", 3, "batch", 3, 3), m, 1)) {
            assertTrue(e.params().countTrainable() < u.params().countTrainable());
        }
    }
}
