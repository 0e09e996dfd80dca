package dev.pix2pix.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * ConvTranspose2d(kernel 4, stride 2, padding 1), which DJL's PyTorch engine does not implement.
 *
 * <p>Each output row parity of a stride-2 transposed convolution is an ordinary 2-tap correlation of
 * the 1-padded input: with y[o] = sum_{i,k: o = 2i - 1 + k} x[i] w[k], the window of padded rows
 * (a, a+1) (input rows a-1, a) gives output row 2a-1 with taps (2, 0) and output row 2a with taps
 * (3, 1). The same holds for columns. So one convolution with the four phase kernels stacked
 * (2x2 each), over the (H+1) x (W+1) windows of the padded input, followed by a pixel shuffle, yields
 * output rows -1 .. 2H: dropping the first and last row and column leaves exactly the transposed
 * convolution. Multiply-adds are those of a real transposed convolution (Cin*Cout*4 per output
 * pixel, plus one row and column of windows: 1.6% at 128x128), no zero insertion, one convolution
 * launch and no per-phase slicing. The weight stays in PyTorch's layout [Cin, Cout, 4, 4].
 */
public final class ConvTranspose {
    /** Kernel taps of each phase in window order: [odd output rows, even output rows]. */
    private static final int[][] TAPS = {{2, 0}, {3, 1}};

    private ConvTranspose() {}

    /**
     * @param x input [N, Cin, H, W]
     * @param w weight [Cin, Cout, 4, 4] (PyTorch layout)
     * @param bias [Cout] or null
     * @param m manager that owns every intermediate (weights are parameters and live elsewhere)
     * @return [N, Cout, 2H, 2W]
     */
    public static NDArray forward(NDArray x, NDArray w, NDArray bias, NDManager m) {
        Shape s = x.getShape();
        long n = s.get(0), h = s.get(2), wd = s.get(3);
        long cin = w.getShape().get(0), cout = w.getShape().get(1);
        NDArray k = phaseWeights(w, m).reshape(4 * cout, cin, 2, 2);
        NDArray bias4 = bias == null ? null : attach(bias.tile(4), m);
        // the convolution pads by 1 itself: no separate pad op (and its backward) per layer
        NDArray y = Conv2d.conv2d(x, k, bias4, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
        // [N, (qy, qx, Cout), H+1, W+1] -> [N, Cout, H+1, qy, W+1, qx] -> rows/cols -1 .. 2H / 2W
        NDArray shuffled = y.reshape(n, 2, 2, cout, h + 1, wd + 1).transpose(0, 3, 4, 1, 5, 2)
                .reshape(n, cout, 2 * h + 2, 2 * wd + 2);
        return shuffled.get(new NDIndex(":, :, 1:{}, 1:{}", 2 * h + 1, 2 * wd + 1));
    }

    private static NDArray attach(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    /**
     * Rearranges [Cin, Cout, 4, 4] into the four phase kernels [4, Cout, Cin, 2, 2] (correlation
     * layout), one gather so the gradient flows back to the PyTorch-layout weight.
     */
    static NDArray phaseWeights(NDArray w, NDManager m) {
        Shape ws = w.getShape();
        long cin = ws.get(0), cout = ws.get(1);
        long[] idx = new long[16];
        int p = 0;
        for (int py = 0; py < 2; py++) {
            for (int px = 0; px < 2; px++) {
                for (int a = 0; a < 2; a++) {
                    for (int b = 0; b < 2; b++) {
                        idx[p++] = TAPS[py][a] * 4L + TAPS[px][b];
                    }
                }
            }
        }
        NDArray flat = w.reshape(cin, cout, 16);
        flat.attach(m); // a view of a parameter: owned by this step, not by the parameter store
        NDArray taps = flat.get(new NDIndex(":, :, {}", m.create(idx))); // [Cin, Cout, 16], gathered in place
        return taps.reshape(cin, cout, 4, 2, 2).transpose(2, 1, 0, 3, 4); // [4, Cout, Cin, 2, 2]
    }
}
