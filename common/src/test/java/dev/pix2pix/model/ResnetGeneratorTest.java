package dev.pix2pix.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.nn.ConvTranspose;
import dev.pix2pix.nn.Layers;
import dev.pix2pix.nn.Pass;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ResNet generators against the reference's counts and layout, and their two new layers against naive loops. */
class ResnetGeneratorTest {
    private static ModelSpec spec(String netG, String norm, boolean dropout) {
        return new ModelSpec(netG, "basic", 3, 64, 64, norm, 3, 3, dropout, true);
    }

    @ParameterizedTest
    @CsvSource({"resnet_9blocks,11378179", "resnet_6blocks,7837699"})
    void parameterCountsAreTheReferences(String netG, long count) {
        try (NDManager m = NDManager.newBaseManager(); Generator g = Generator.create(spec(netG, "instance", false), m, 1)) {
            assertTrue(g instanceof ResnetGenerator);
            assertEquals(count, g.params().countTrainable());
        }
    }

    @Test
    void unconditionalInstanceNormPatchGanIsCycleGansDiscriminator() {
        ModelSpec s = new ModelSpec("resnet_9blocks", "basic", 3, 64, 64, "instance", 3, 3, false, false);
        try (NDManager m = NDManager.newBaseManager(); PatchDiscriminator d = new PatchDiscriminator(s, m, 1)) {
            assertEquals(2_764_737L, d.params().countTrainable());
        }
    }

    @Test
    void stateDictFollowsTheReferenceSequential() {
        try (NDManager m = NDManager.newBaseManager(); Generator g = Generator.create(spec("resnet_9blocks", "batch", true), m, 1)) {
            var sd = g.params().stateDict(m);
            assertEquals(new Shape(64, 3, 7, 7), sd.get("model.1.weight").getShape());
            assertTrue(sd.containsKey("model.2.running_mean"), "batch norm after the first conv");
            assertEquals(new Shape(256, 256, 3, 3), sd.get("model.18.conv_block.6.weight").getShape(),
                    "with dropout the block's second conv is its 7th module");
            assertEquals(new Shape(256, 128, 3, 3), sd.get("model.19.weight").getShape(),
                    "transposed conv weight is [Cin, Cout, 3, 3] as in PyTorch");
            assertEquals(new Shape(3, 64, 7, 7), sd.get("model.26.weight").getShape());
            assertTrue(sd.containsKey("model.26.bias"), "the output conv always has a bias");
            assertTrue(!sd.containsKey("model.1.bias"), "no conv bias next to batch norm");
        }
        try (NDManager m = NDManager.newBaseManager(); Generator g = Generator.create(spec("resnet_6blocks", "instance", false), m, 1)) {
            var sd = g.params().stateDict(m);
            assertTrue(sd.containsKey("model.15.conv_block.5.weight"));
            assertTrue(sd.containsKey("model.1.bias"), "instance norm: convs carry a bias");
            assertEquals(new Shape(3, 64, 7, 7), sd.get("model.23.weight").getShape());
        }
    }

    @Test
    void forwardKeepsTheSizeAndRefusesSidesItCannotTake() {
        ModelSpec s = new ModelSpec("resnet_6blocks", "basic", 3, 8, 8, "instance", 1, 2, false, true);
        try (NDManager m = NDManager.newBaseManager(); Generator g = Generator.create(s, m, 3);
                NDManager step = m.newSubManager()) {
            NDArray x = step.randomUniform(-1, 1, new Shape(2, 1, 32, 48));
            NDArray y = g.forward(x, Pass.eval(step));
            assertEquals(new Shape(2, 2, 32, 48), y.getShape());
            assertTrue(y.abs().max().getFloat() <= 1f, "tanh output");
            assertEquals(4, s.sizeMultiple());
            assertThrows(IllegalArgumentException.class, () -> g.forward(step.zeros(new Shape(1, 1, 30, 32)), Pass.eval(step)));
        }
    }

    @Test
    void reflectionPadMirrorsWithoutRepeatingTheEdge() {
        try (NDManager m = NDManager.newBaseManager()) {
            int h = 5, w = 6, p = 3;
            float[] v = new float[h * w];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            float[] got = Layers.reflectPad(m.create(v, new Shape(1, 1, h, w)), p).toFloatArray();
            int ph = h + 2 * p, pw = w + 2 * p;
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    int sy = reflect(y - p, h), sx = reflect(x - p, w);
                    assertEquals(v[sy * w + sx], got[y * pw + x], "at " + y + "," + x);
                }
            }
        }
    }

    private static int reflect(int i, int n) {
        return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
    }

    /** ConvTranspose2d(k3, s2, p1, output_padding 1) by its definition: out[2i - 1 + k] += x[i] * w[k]. */
    @Test
    void kernel3TransposedConvolutionMatchesItsDefinition() {
        int n = 2, cin = 3, cout = 2, h = 4, w = 5;
        Random r = new Random(9);
        float[] x = new float[n * cin * h * w];
        float[] k = new float[cin * cout * 9];
        float[] b = new float[cout];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (int i = 0; i < k.length; i++) k[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        int oh = 2 * h, ow = 2 * w;
        double[] want = new double[n * cout * oh * ow];
        for (int s = 0; s < n; s++)
            for (int o = 0; o < cout; o++)
                for (int yy = 0; yy < oh; yy++)
                    for (int xx = 0; xx < ow; xx++) want[((s * cout + o) * oh + yy) * ow + xx] = b[o];
        for (int s = 0; s < n; s++)
            for (int c = 0; c < cin; c++)
                for (int o = 0; o < cout; o++)
                    for (int i = 0; i < h; i++)
                        for (int j = 0; j < w; j++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++) {
                                    int yy = 2 * i - 1 + ky, xx = 2 * j - 1 + kx;
                                    if (yy >= 0 && yy < oh && xx >= 0 && xx < ow) {
                                        want[((s * cout + o) * oh + yy) * ow + xx] += x[((s * cin + c) * h + i) * w + j]
                                                * k[((c * cout + o) * 3 + ky) * 3 + kx];
                                    }
                                }
        try (NDManager m = NDManager.newBaseManager()) {
            float[] got = ConvTranspose.forwardKernel3(m.create(x, new Shape(n, cin, h, w)),
                    m.create(k, new Shape(cin, cout, 3, 3)), m.create(b), m).toFloatArray();
            assertEquals(want.length, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(want[i], got[i], 1e-4, "element " + i);
            }
        }
    }
}
