package dev.pix2pix.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.UnetGenerator;
import dev.pix2pix.nn.TorchEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** float16 inference (the GPU option) against float32: same model, same inputs, outputs within 2/255 (measured: 0.9/255). */
class HalfPrecisionTest {

    /**
     * The reference's N(0, 0.02) init leaves an untrained net's eval-mode output almost constant; He-scaled
     * weights give outputs of order one, so the comparison means something.
     */
    private static void heScale(UnetGenerator g) {
        TorchEngine.gradMode(false);
        try {
            for (java.util.Map.Entry<String, ai.djl.ndarray.NDArray> e : g.params().trainableByName().entrySet()) {
                ai.djl.ndarray.types.Shape s = e.getValue().getShape();
                if (s.dimension() == 4) {
                    boolean transposed = e.getKey().endsWith("3.weight") || e.getKey().endsWith("5.weight");
                    long fanIn = s.get(1) * (transposed ? 4 : 16); // stored [4 Cout, Cin, 2, 2]: 4 taps per output
                    e.getValue().muli((float) (Math.sqrt(2.0 / fanIn) / 0.02));
                }
            }
        } finally {
            TorchEngine.gradMode(true);
        }
    }

    @ParameterizedTest(name = "eval mode {0}")
    @ValueSource(booleans = {false, true})
    void halfPrecisionOutputsMatchFloat32WithinOneLevel(boolean evalMode) {
        ModelSpec spec = new ModelSpec("unet_64", "basic", 3, 16, 16, "batch", 3, 3, true, true);
        ModelInfo info = new ModelInfo(ModelInfo.FORMAT, spec, "translate", "aligned", "AtoB", 64, 0, 0, "test", "now",
                "test");
        List<Translator.Item> items = new ArrayList<>();
        Random rnd = new Random(11);
        for (int i = 0; i < 3; i++) {
            int w = 50 + 20 * i, h = 70 - 10 * i; // other sizes and aspects than the render size
            float[] d = new float[3 * w * h];
            for (int j = 0; j < d.length; j++) {
                d[j] = (float) (0.5 + 0.4 * Math.sin(j * 0.01 + i) * rnd.nextFloat());
            }
            items.add(new Translator.Item("img" + i, new FloatImage(3, h, w, d)));
        }
        InferenceSettings settings = new InferenceSettings(64, evalMode, 2, 0);
        try (NDManager m = NDManager.newBaseManager(); UnetGenerator full = new UnetGenerator(spec, m, 5);
                UnetGenerator half = new UnetGenerator(spec, m, 5)) {
            heScale(full);
            heScale(half);
            half.toHalf();
            assertTrue(half.isHalf());
            assertEquals(DataType.FLOAT16, half.params().get("model.model.0.weight").getDataType());
            List<FloatImage> a = new Translator(full, info, settings).translate(items, m);
            List<FloatImage> b = new Translator(half, info, settings).translate(items, m);
            double maxDiff = 0;
            double spread = 0;
            for (int i = 0; i < a.size(); i++) {
                float[] x = a.get(i).data(), y = b.get(i).data();
                assertEquals(x.length, y.length);
                double mean = 0;
                for (float v : x) {
                    mean += v / x.length;
                }
                for (int j = 0; j < x.length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(x[j] - y[j]));
                    spread = Math.max(spread, Math.abs(x[j] - mean));
                }
            }
            System.out.printf("float16 vs float32 (eval mode %s): max diff %.3f levels of 255, output spread %.3f%n",
                    evalMode, maxDiff * 255, spread);
            assertTrue(spread > 0.05, "outputs vary (a constant output would make the comparison empty): " + spread);
            assertTrue(maxDiff <= 2.0 / 255, "float16 differs from float32 by " + maxDiff * 255 + " levels of 255");
        }
    }
}
