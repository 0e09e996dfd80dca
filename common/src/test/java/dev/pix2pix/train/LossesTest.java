package dev.pix2pix.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The objectives against values computed by hand from their definitions. */
class LossesTest {
    static final float[] LOGITS = {0f, 2f, -1f, 3.5f};

    static double bce(double x, double t) {
        double p = 1 / (1 + Math.exp(-x));
        return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
    }

    static double mean(java.util.function.DoubleUnaryOperator f) {
        double s = 0;
        for (float x : LOGITS) {
            s += f.applyAsDouble(x);
        }
        return s / LOGITS.length;
    }

    @Test
    void vanillaLsganL1AndL2() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(LOGITS);
            assertEquals(mean(v -> bce(v, 1)), Losses.gan(x, 1f, "vanilla").getFloat(), 1e-6);
            assertEquals(mean(v -> bce(v, 0)), Losses.gan(x, 0f, "vanilla").getFloat(), 1e-6);
            assertEquals(mean(v -> bce(v, 0.9)), Losses.gan(x, 0.9f, "vanilla").getFloat(), 1e-6, "label smoothing");
            assertEquals(mean(v -> (v - 1) * (v - 1)), Losses.gan(x, 1f, "lsgan").getFloat(), 1e-6);
            assertEquals(mean(v -> v * v), Losses.gan(x, 0f, "lsgan").getFloat(), 1e-6);
            NDArray a = m.create(new float[] {1f, -1f, 0.5f});
            NDArray b = m.create(new float[] {0f, 1f, 0.5f});
            assertEquals((1 + 2 + 0) / 3.0, Losses.l1(a, b).getFloat(), 1e-6);
            assertEquals((1 + 4 + 0) / 3.0, Losses.l2(a, b).getFloat(), 1e-6);
        }
    }
}
