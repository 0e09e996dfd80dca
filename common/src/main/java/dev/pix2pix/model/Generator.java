package dev.pix2pix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.pix2pix.nn.ParamStore;
import dev.pix2pix.nn.Pass;

/** A generator network of either family the reference offers: U-Net / encoder-decoder, or ResNet. */
public interface Generator extends AutoCloseable {
    /** The network {@code spec.netG()} names, its weights drawn from {@code seed} as the reference initialises them. */
    static Generator create(ModelSpec spec, NDManager manager, long seed) {
        return spec.resnetBlocks() > 0 ? new ResnetGenerator(spec, manager, seed) : new UnetGenerator(spec, manager, seed);
    }

    ModelSpec spec();

    ParamStore params();

    /** x [N, inputNc, H, W] in [-1, 1], H and W multiples of {@link ModelSpec#sizeMultiple()}; output in [-1, 1]. */
    NDArray forward(NDArray x, Pass pass);

    /** Switches the weights to float16 for inference (one way). */
    void toHalf();

    boolean isHalf();

    @Override
    void close();
}
