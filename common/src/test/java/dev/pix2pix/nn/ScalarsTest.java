package dev.pix2pix.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * A collection between the forward and the backward pass leaves gradients exact: the constant's storage
 * belongs to PyTorch, not to a Java buffer the collector may free (DJL's {@code mul(Number)} gave garbage
 * here in most rounds).
 */
class ScalarsTest {
    /** Collects garbage and lets the cleaner thread free what it found, as a busy loader thread would. */
    private static void collect() throws InterruptedException {
        for (int k = 0; k < 3; k++) {
            System.gc();
            Thread.sleep(10);
            byte[][] junk = new byte[1000][];
            for (int j = 0; j < junk.length; j++) {
                junk[j] = new byte[64]; // small native-heap churn reuses freed chunks
            }
        }
    }

    @Test
    void gradientsSurviveACollectionBeforeBackward() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int round = 0; round < 20; round++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.ones(new Shape(4));
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = Scalars.times(Scalars.minus(x, 2).square(), 3).sum(); // 3 (x - 2)^2
                        collect();
                        gc.backward(y);
                    }
                    // d/dx 3 (x - 2)^2 = 6 (x - 2) = -6 at x = 1
                    assertArrayEquals(new float[] {-6f, -6f, -6f, -6f}, x.getGradient().toFloatArray(), "round " + round);
                }
            }
        }
    }
}
