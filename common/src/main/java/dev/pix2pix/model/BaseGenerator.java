package dev.pix2pix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.pix2pix.nn.ParamStore;
import dev.pix2pix.nn.Pass;

/** What both generator families share: their spec and parameters, the side check, float16 inference. */
abstract class BaseGenerator implements Generator {
    protected final ModelSpec spec;
    protected final ParamStore params;
    private boolean half;

    BaseGenerator(ModelSpec spec, ParamStore params) {
        this.spec = spec;
        this.params = params;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public ParamStore params() {
        return params;
    }

    /**
     * Switches the weights to float16 for inference: tensor-core speed on a GPU, outputs within one level of 255 of
     * float32 in our checks (on a CPU it runs, but far slower). One way: the float32 weights are dropped.
     */
    @Override
    public void toHalf() {
        params.castTo(DataType.FLOAT16);
        half = true;
    }

    @Override
    public boolean isHalf() {
        return half;
    }

    /** The smallest side the network takes (besides being a multiple of {@link ModelSpec#sizeMultiple()}). */
    int minimumSide() {
        return spec.sizeMultiple();
    }

    @Override
    public final NDArray forward(NDArray x, Pass pass) {
        long h = x.getShape().get(2), w = x.getShape().get(3);
        int mult = spec.sizeMultiple();
        if (h % mult != 0 || w % mult != 0 || h < minimumSide() || w < minimumSide()) {
            throw new IllegalArgumentException(spec.netG() + " needs sides that are multiples of " + mult
                    + (minimumSide() > mult ? " and at least " + minimumSide() : "") + ", got " + w + "x" + h);
        }
        if (!half) {
            return run(x, pass);
        }
        // half inside, float32 at the edges: callers never see the difference
        return run(x.toType(DataType.FLOAT16, false), pass).toType(DataType.FLOAT32, false);
    }

    /** The network on an input of the weights' type. */
    abstract NDArray run(NDArray x, Pass pass);

    @Override
    public void close() {
        params.close();
    }
}
