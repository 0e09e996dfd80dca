package dev.pix2pix.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.pix2pix.nn.Scalars;

/** The pix2pix objectives (paper eq. 1-4). */
public final class Losses {
    private Losses() {}

    /**
     * GAN loss of patch logits against a constant target: vanilla is binary cross-entropy with
     * logits (stable softplus form), lsgan the mean squared error. The generator's non-saturating
     * loss is this with target 1 on fakes.
     */
    public static NDArray gan(NDArray logits, float target, String mode) {
        if (mode.equals("lsgan")) {
            return Scalars.minus(logits, target).square().mean();
        }
        // BCE(x, t) = t * softplus(-x) + (1 - t) * softplus(x)
        if (target == 1f) {
            return Activation.softPlus(logits.neg()).mean();
        }
        if (target == 0f) {
            return Activation.softPlus(logits).mean();
        }
        NDArray pos = Scalars.times(Activation.softPlus(logits.neg()), target);
        return pos.add(Scalars.times(Activation.softPlus(logits), 1f - target)).mean();
    }

    public static NDArray l1(NDArray a, NDArray b) {
        return a.sub(b).abs().mean();
    }

    public static NDArray l2(NDArray a, NDArray b) {
        return a.sub(b).square().mean();
    }
}
