package dev.pix2pix.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant inside a graph that will be differentiated. DJL's {@code NDArray.mul(Number)}
 * (and add/sub/div) makes the constant a tensor over a Java direct buffer, closes it right after the
 * operation and so leaves that buffer to the garbage collector; autograd has saved the tensor for the
 * backward pass, which then reads freed memory whenever a collection ran in between. Gradients came out
 * scaled by garbage (0, -1.7e33 or 5e4 where the gradient was -6 or 3), and training runs of the
 * same seed diverged depending on when the collector ran. Here the constant is a tensor with PyTorch-owned
 * storage in the operand's manager, so it lives as long as the step's other arrays.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code x * k}, differentiable. */
    public static NDArray times(NDArray x, double k) {
        return x.mul(of(x, k));
    }

    /** {@code x - k}, differentiable. */
    public static NDArray minus(NDArray x, double k) {
        return x.sub(of(x, k));
    }

    /** A 0-d tensor of {@code x}'s type on its device, owned by its manager (not by a Java buffer). */
    private static NDArray of(NDArray x, double k) {
        return x.getManager().full(new Shape(), (float) k, x.getDataType());
    }
}
