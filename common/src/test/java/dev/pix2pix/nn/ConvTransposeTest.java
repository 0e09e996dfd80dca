package dev.pix2pix.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The phase-decomposed transposed convolution against a textbook scatter implementation. */
class ConvTransposeTest {

    @ParameterizedTest
    @CsvSource({"1,1,1,1,1", "2,3,4,3,5", "1,5,2,4,4", "3,2,3,1,2"})
    void forwardAndGradientsEqualTextbook(int n, int cin, int cout, int h, int w) {
        Random rnd = new Random(n * 1000 + cin * 100 + cout * 10 + h + w);
        float[] x = randn(rnd, n * cin * h * w);
        float[] wt = randn(rnd, cin * cout * 16);
        float[] b = randn(rnd, cout);
        float[] r = randn(rnd, n * cout * 4 * h * w); // upstream gradient: L = sum(y * r)

        Textbook t = new Textbook(n, cin, cout, h, w);
        float[] yRef = t.forward(x, wt, b);

        try (NDManager m = NDManager.newBaseManager()) {
            NDArray xa = m.create(x, new Shape(n, cin, h, w));
            NDArray wa = m.create(wt, new Shape(cin, cout, 4, 4));
            NDArray ba = m.create(b, new Shape(cout));
            xa.setRequiresGradient(true);
            wa.setRequiresGradient(true);
            ba.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = ConvTranspose.forward(xa, ConvTranspose.toPhaseLayout(wa, m), ba, m);
                assertEquals(new Shape(n, cout, 2 * h, 2 * w), y.getShape());
                assertArrayEquals(yRef, y.toFloatArray(), 1e-4f, "forward");
                gc.backward(y.mul(m.create(r, y.getShape())).sum());
            }
            assertArrayEquals(t.gradX(r, wt), xa.getGradient().toFloatArray(), 1e-4f, "dL/dx");
            assertArrayEquals(t.gradW(r, x), wa.getGradient().toFloatArray(), 1e-4f, "dL/dw");
            assertArrayEquals(t.gradB(r), ba.getGradient().toFloatArray(), 1e-4f, "dL/db");
        }
    }

    @Test
    void phaseLayoutRoundTripsAndHoldsTheTapsOfEachPhase() {
        int cin = 3, cout = 2;
        float[] wt = randn(new Random(5), cin * cout * 16);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(wt, new Shape(cin, cout, 4, 4));
            NDArray k = ConvTranspose.toPhaseLayout(w, m);
            assertEquals(ConvTranspose.phaseShape(cin, cout), k.getShape());
            assertArrayEquals(wt, ConvTranspose.toTorchLayout(k, m).toFloatArray(), 0f);
            float[] kv = k.toFloatArray();
            int[][] taps = {{2, 0}, {3, 1}}; // odd output rows use kernel rows (2, 0), even rows (3, 1)
            for (int py = 0; py < 2; py++) {
                for (int px = 0; px < 2; px++) {
                    for (int co = 0; co < cout; co++) {
                        for (int ci = 0; ci < cin; ci++) {
                            for (int a = 0; a < 2; a++) {
                                for (int b = 0; b < 2; b++) {
                                    int phase = (py * 2 + px) * cout + co;
                                    float got = kv[((phase * cin + ci) * 2 + a) * 2 + b];
                                    float want = wt[Textbook.wi(ci, co, taps[py][a], taps[px][b], cout)];
                                    assertEquals(want, got, 0f);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] randn(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** Direct definition: every input pixel scatters its kernel into the output (k4, s2, p1). */
    private record Textbook(int n, int cin, int cout, int h, int w) {
        int oh() {
            return 2 * h;
        }

        int ow() {
            return 2 * w;
        }

        int xi(int b, int c, int y, int x) {
            return ((b * cin + c) * h + y) * w + x;
        }

        int yi(int b, int c, int y, int x) {
            return ((b * cout + c) * oh() + y) * ow() + x;
        }

        static int wi(int ci, int co, int ky, int kx, int cout) {
            return ((ci * cout + co) * 4 + ky) * 4 + kx;
        }

        float[] forward(float[] x, float[] wt, float[] bias) {
            double[] y = new double[n * cout * oh() * ow()];
            for (int b = 0; b < n; b++) {
                for (int co = 0; co < cout; co++) {
                    for (int oy = 0; oy < oh(); oy++) {
                        for (int ox = 0; ox < ow(); ox++) {
                            y[yi(b, co, oy, ox)] = bias[co];
                        }
                    }
                }
                for (int ci = 0; ci < cin; ci++) {
                    for (int iy = 0; iy < h; iy++) {
                        for (int ix = 0; ix < w; ix++) {
                            for (int co = 0; co < cout; co++) {
                                for (int ky = 0; ky < 4; ky++) {
                                    for (int kx = 0; kx < 4; kx++) {
                                        int oy = 2 * iy - 1 + ky, ox = 2 * ix - 1 + kx;
                                        if (oy >= 0 && oy < oh() && ox >= 0 && ox < ow()) {
                                            y[yi(b, co, oy, ox)] += x[xi(b, ci, iy, ix)] * wt[wi(ci, co, ky, kx, cout)];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return toFloat(y);
        }

        float[] gradX(float[] r, float[] wt) {
            double[] g = new double[n * cin * h * w];
            for (int b = 0; b < n; b++) {
                for (int ci = 0; ci < cin; ci++) {
                    for (int iy = 0; iy < h; iy++) {
                        for (int ix = 0; ix < w; ix++) {
                            double s = 0;
                            for (int co = 0; co < cout; co++) {
                                for (int ky = 0; ky < 4; ky++) {
                                    for (int kx = 0; kx < 4; kx++) {
                                        int oy = 2 * iy - 1 + ky, ox = 2 * ix - 1 + kx;
                                        if (oy >= 0 && oy < oh() && ox >= 0 && ox < ow()) {
                                            s += r[yi(b, co, oy, ox)] * wt[wi(ci, co, ky, kx, cout)];
                                        }
                                    }
                                }
                            }
                            g[xi(b, ci, iy, ix)] = s;
                        }
                    }
                }
            }
            return toFloat(g);
        }

        float[] gradW(float[] r, float[] x) {
            double[] g = new double[cin * cout * 16];
            for (int ci = 0; ci < cin; ci++) {
                for (int co = 0; co < cout; co++) {
                    for (int ky = 0; ky < 4; ky++) {
                        for (int kx = 0; kx < 4; kx++) {
                            double s = 0;
                            for (int b = 0; b < n; b++) {
                                for (int iy = 0; iy < h; iy++) {
                                    for (int ix = 0; ix < w; ix++) {
                                        int oy = 2 * iy - 1 + ky, ox = 2 * ix - 1 + kx;
                                        if (oy >= 0 && oy < oh() && ox >= 0 && ox < ow()) {
                                            s += x[xi(b, ci, iy, ix)] * r[yi(b, co, oy, ox)];
                                        }
                                    }
                                }
                            }
                            g[wi(ci, co, ky, kx, cout)] = s;
                        }
                    }
                }
            }
            return toFloat(g);
        }

        float[] gradB(float[] r) {
            double[] g = new double[cout];
            for (int b = 0; b < n; b++) {
                for (int co = 0; co < cout; co++) {
                    for (int i = 0; i < oh() * ow(); i++) {
                        g[co] += r[(b * cout + co) * oh() * ow() + i];
                    }
                }
            }
            return toFloat(g);
        }

        private static float[] toFloat(double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
    }
}
