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
 * launch and no per-phase slicing.
 *
 * <p>The weight is stored in that phase layout, [4 * Cout, Cin, 2, 2], so a step spends no operation
 * rearranging it; {@link #toPhaseLayout} and {@link #toTorchLayout} convert from and to PyTorch's
 * [Cin, Cout, 4, 4] where weights enter or leave (initialisation, checkpoints, .pth files).
 */
public final class ConvTranspose {
    private ConvTranspose() {}

    /**
     * @param x input [N, Cin, H, W]
     * @param k weight in phase layout [4 * Cout, Cin, 2, 2] (see {@link #toPhaseLayout})
     * @param bias [Cout] or null
     * @param m manager that owns every intermediate (weights are parameters and live elsewhere)
     * @return [N, Cout, 2H, 2W]
     */
    public static NDArray forward(NDArray x, NDArray k, NDArray bias, NDManager m) {
        Shape s = x.getShape();
        long n = s.get(0), h = s.get(2), wd = s.get(3);
        long cout = k.getShape().get(0) / 4;
        NDArray bias4 = bias == null ? null : attach(bias.tile(4), m);
        // the convolution pads by 1 itself: no separate pad op (and its backward) per layer
        NDArray y = Conv2d.conv2d(x, k, bias4, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
        // [N, (qy, qx, Cout), H+1, W+1] -> [N, Cout, H+1, qy, W+1, qx] -> rows/cols -1 .. 2H / 2W
        NDArray shuffled = y.reshape(n, 2, 2, cout, h + 1, wd + 1).transpose(0, 3, 4, 1, 5, 2)
                .reshape(n, cout, 2 * h + 2, 2 * wd + 2);
        // "..." rather than ":, :": DJL passes ":" as a slice that PyTorch does not recognise as whole, and
        // each one costs a view forward and a zero-fill plus copy backward
        return shuffled.get(new NDIndex("..., 1:{}, 1:{}", 2 * h + 1, 2 * wd + 1));
    }

    /**
     * ConvTranspose2d(kernel 3, stride 2, padding 1, output padding 1), the ResNet generator's up-sampling, on a
     * weight in PyTorch's layout [Cin, Cout, 3, 3]. Both convolutions place input i at outputs 2i - 1 + k, and
     * both give 2H rows; so this is the kernel-4 convolution with a 4th tap row and column of zeros. The weight is
     * padded and rearranged on every call (a few small operations, with a gradient to the 3x3 weight), which keeps
     * the stored weight in PyTorch's shape.
     */
    public static NDArray forwardKernel3(NDArray x, NDArray w3, NDArray bias, NDManager m) {
        Shape ws = w3.getShape();
        long cin = ws.get(0), cout = ws.get(1);
        NDArray zc = m.zeros(new Shape(cin, cout, 3, 1), w3.getDataType());
        NDArray zr = m.zeros(new Shape(cin, cout, 1, 4), w3.getDataType());
        NDArray w4 = attach(w3.concat(zc, 3), m).concat(zr, 2);
        return forward(x, toPhaseLayout(w4, m), bias, m);
    }

    /** The stored shape of a weight whose PyTorch shape is [cin, cout, 4, 4]. */
    public static Shape phaseShape(long cin, long cout) {
        return new Shape(4 * cout, cin, 2, 2);
    }

    /** The PyTorch shape [Cin, Cout, 4, 4] of a weight stored as {@code phase} [4 * Cout, Cin, 2, 2]. */
    public static Shape torchShape(Shape phase) {
        return new Shape(phase.get(1), phase.get(0) / 4, 4, 4);
    }

    /**
     * PyTorch's [Cin, Cout, 4, 4] to the phase layout [(py, px, Cout), Cin, a, b]: phase (py, px) tap
     * (a, b) is w[.., 2(1-a) + py, 2(1-b) + px], i.e. kernel row 2a' + py split into (a', py) and a' flipped.
     *
     * @param m owns the result and every intermediate (not w's manager: a parameter's would keep them)
     */
    public static NDArray toPhaseLayout(NDArray w, NDManager m) {
        Shape ws = w.getShape();
        long cin = ws.get(0), cout = ws.get(1);
        NDArray split = attach(w.reshape(cin, cout, 2, 2, 2, 2), m); // later results follow their first operand
        return split.transpose(3, 5, 1, 0, 2, 4).flip(4, 5).reshape(phaseShape(cin, cout));
    }

    /** The inverse of {@link #toPhaseLayout}; {@code m} owns the result and every intermediate. */
    public static NDArray toTorchLayout(NDArray k, NDManager m) {
        Shape torch = torchShape(k.getShape());
        long cin = torch.get(0), cout = torch.get(1);
        NDArray split = attach(k.reshape(2, 2, cout, cin, 2, 2), m);
        return split.flip(4, 5).transpose(3, 2, 4, 0, 5, 1).reshape(torch);
    }

    private static NDArray attach(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }
}
