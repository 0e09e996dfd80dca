package dev.pix2pix.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.pix2pix.nn.ParamStore;
import dev.pix2pix.nn.TorchEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FlatAdam on views of one buffer against Adam written out by hand (PyTorch's formulas) in doubles. */
class FlatAdamTest {
    private static final double LR = 0.01, B1 = 0.5, B2 = 0.999, EPS = 1e-8;

    @Test
    void matchesTextbookAdamOverSeveralSteps() {
        try (NDManager m = NDManager.newBaseManager(); ParamStore store = new ParamStore(m, 3)) {
            store.addConv("a", 2, 3, 1, true); // weight [2,3,1,1] + bias [2]
            store.addBatchNorm("bn", 3); // gamma, beta (trainable) + running stats (not)
            store.flatten();
            List<NDArray> params = store.trainable();
            assertEquals(4, params.size());
            double[] x = toDoubles(store.flat().toFloatArray());
            double[] mom = new double[x.length], vel = new double[x.length];
            try (FlatAdam adam = new FlatAdam(store, m, B1, B2, EPS)) {
                for (int t = 1; t <= 4; t++) {
                    // loss = sum_i c_i * p_i^2 with a different c per parameter: gradient 2 c_i p_i
                    params = store.trainable(); // a step replaces the parameter arrays (dropGradients)
                    step(store, adam, m, 2);
                    int off = 0;
                    for (int i = 0; i < params.size(); i++) {
                        int n = (int) store.trainable().get(i).getShape().size();
                        for (int j = off; j < off + n; j++) {
                            double g = 2 * (i + 1) * x[j];
                            mom[j] = B1 * mom[j] + (1 - B1) * g;
                            vel[j] = B2 * vel[j] + (1 - B2) * g * g;
                            double denom = Math.sqrt(vel[j]) / Math.sqrt(1 - Math.pow(B2, t)) + EPS;
                            x[j] -= LR / (1 - Math.pow(B1, t)) * mom[j] / denom;
                        }
                        off += n;
                    }
                    assertArrayEquals(x, toDoubles(store.flat().toFloatArray()), 1e-5, "step " + t);
                }
                // the parameters the layers read are views of that buffer
                float[] bias = store.get("a.bias").toFloatArray();
                float[] flat = store.flat().toFloatArray();
                assertEquals(flat[6], bias[0], 0f);
                assertEquals(flat[7], bias[1], 0f);
                assertEquals(4, adam.steps());
            }
        }
    }

    /** Chunked (as on a CPU) and whole-buffer (as on a GPU) updates give the same bits. */
    @Test
    void chunksGiveTheSameBitsAsOneBuffer() {
        float[][] results = new float[2][];
        long[] limits = {Long.MAX_VALUE, 7};
        int[] chunks = new int[2];
        for (int k = 0; k < 2; k++) {
            try (NDManager m = NDManager.newBaseManager(); ParamStore store = new ParamStore(m, 5)) {
                store.addConv("a", 2, 3, 1, true); // 6 + 2
                store.addBatchNorm("bn", 3); // 3 + 3
                store.addConv("c", 4, 3, 3, false); // 108: larger than a chunk, a chunk of its own
                store.addConv("d", 1, 2, 1, true); // 2 + 1
                store.flatten();
                try (FlatAdam adam = new FlatAdam(store, m, B1, B2, EPS, limits[k])) {
                    chunks[k] = adam.chunkCount();
                    for (int t = 1; t <= 3; t++) {
                        step(store, adam, m, 3);
                    }
                    results[k] = store.flat().toFloatArray();
                }
            }
        }
        assertEquals(1, chunks[0]);
        assertEquals(5, chunks[1]); // {a.weight}, {a.bias, bn.weight}, {bn.bias}, {c.weight}, {d.weight, d.bias}
        assertArrayEquals(results[0], results[1], 0f);
    }

    /** One Adam step on loss = sum_i (i + 1) * sum(p_i ^ power). */
    private static void step(ParamStore store, FlatAdam adam, NDManager m, int power) {
        List<NDArray> params = store.trainable();
        try (NDManager step = m.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = null;
                for (int i = 0; i < params.size(); i++) {
                    NDArray term = params.get(i).pow(power).sum().mul(i + 1);
                    term.attach(step);
                    loss = loss == null ? term : loss.add(term);
                    loss.attach(step);
                }
                gc.backward(loss);
            }
            TorchEngine.gradMode(false);
            try {
                adam.step(step, LR);
            } finally {
                TorchEngine.gradMode(true);
            }
        }
    }

    @Test
    void noParameterCanBeAddedOnceFlat() {
        try (NDManager m = NDManager.newBaseManager(); ParamStore store = new ParamStore(m, 3)) {
            store.addConv("a", 2, 3, 1, false);
            store.flatten();
            assertThrows(IllegalStateException.class, () -> store.addConv("b", 2, 3, 1, false));
            assertThrows(IllegalStateException.class, store::flatten);
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
