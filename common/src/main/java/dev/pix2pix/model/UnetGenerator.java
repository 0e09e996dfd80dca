package dev.pix2pix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.pix2pix.nn.DropoutMode;
import dev.pix2pix.nn.Layers;
import dev.pix2pix.nn.Norm;
import dev.pix2pix.nn.ParamStore;
import dev.pix2pix.nn.Pass;
import java.util.ArrayList;
import java.util.List;

/**
 * The pix2pix U-Net (paper appendix 6.1.1), built exactly like the reference's recursive
 * UnetSkipConnectionBlock so parameter names match its state dict. Level 0 is the outermost block.
 * Encoder blocks are Conv(4, s2, p1) - norm - LeakyReLU(0.2); decoder blocks ReLU - ConvT - norm
 * (dropout 0.5 in the num_downs-5 blocks around the innermost); tanh output. The encoder-decoder
 * variant is the same net with the skips severed.
 *
 * <p>One quirk is reproduced on purpose: the reference's in-place LeakyReLU also modifies the
 * tensor it concatenates, so each skip carries LeakyReLU(x), not x.
 */
public final class UnetGenerator extends BaseGenerator {
    private final Level[] levels;

    private record Level(String prefix, long outer, long inner, long input, boolean dropout) {}

    public UnetGenerator(ModelSpec spec, NDManager manager, long seed) {
        super(spec, new ParamStore(manager, seed));
        int downs = spec.numDowns();
        long ngf = spec.ngf();
        levels = new Level[downs];
        String prefix = "model.model.";
        for (int i = 0; i < downs; i++) {
            long outer;
            long inner;
            if (i == 0) {
                outer = spec.outputNc();
                inner = ngf;
            } else if (i <= 3) {
                outer = ngf << (i - 1);
                inner = ngf << i;
            } else {
                outer = ngf * 8;
                inner = ngf * 8;
            }
            long input = i == 0 ? spec.inputNc() : outer;
            boolean dropout = spec.dropout() && i >= 4 && i < downs - 1;
            levels[i] = new Level(prefix, outer, inner, input, dropout);
            prefix = prefix + (i == 0 ? "1" : "3") + ".model.";
        }
        build();
        params.flatten(); // one buffer: the optimizer updates every parameter with one operation
    }

    private void build() {
        Norm norm = spec.normType();
        boolean bias = norm.convBias();
        int last = levels.length - 1;
        for (int i = 0; i <= last; i++) {
            Level l = levels[i];
            // Decoder input: the inner block's output, doubled by the skip concatenation.
            long upIn = (i == last || !spec.skips()) ? l.inner : l.inner * 2;
            if (i == 0) {
                params.addConv(l.prefix + "0", l.inner, l.input, 4, bias);
                params.addConvTranspose(l.prefix + "3", upIn, l.outer, 4, true);
            } else if (i == last) {
                params.addConv(l.prefix + "1", l.inner, l.input, 4, bias);
                params.addConvTranspose(l.prefix + "3", upIn, l.outer, 4, bias);
                addNorm(l.prefix + "4", l.outer, norm);
            } else {
                params.addConv(l.prefix + "1", l.inner, l.input, 4, bias);
                addNorm(l.prefix + "2", l.inner, norm);
                params.addConvTranspose(l.prefix + "5", upIn, l.outer, 4, bias);
                addNorm(l.prefix + "6", l.outer, norm);
            }
        }
    }

    private void addNorm(String name, long c, Norm norm) {
        if (norm == Norm.BATCH) {
            params.addBatchNorm(name, c);
        }
    }

    /** x [N, inputNc, H, W] in [-1, 1], of the weights' type. */
    @Override
    NDArray run(NDArray x, Pass pass) {
        return level(x, 0, pass, seededMasks(x.getShape(), pass));
    }

    /** Seeded dropout masks indexed by level (null where a level has none), or null when the pass draws none. */
    private NDArray[] seededMasks(Shape in, Pass pass) {
        if (pass.dropout() != DropoutMode.SEEDED) {
            return null;
        }
        List<Shape> shapes = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].dropout) {
                // level i's decoder output has the size of level i's input
                shapes.add(new Shape(in.get(0), levels[i].outer, in.get(2) >> i, in.get(3) >> i));
                at.add(i);
            }
        }
        NDArray[] masks = new NDArray[levels.length];
        if (!shapes.isEmpty()) {
            NDArray[] drawn = Layers.seededMasks(shapes.toArray(Shape[]::new), at.stream().mapToInt(Integer::intValue).toArray(),
                    pass.itemSeeds(), isHalf() ? DataType.FLOAT16 : DataType.FLOAT32, pass.manager());
            for (int k = 0; k < drawn.length; k++) {
                masks[at.get(k)] = drawn[k];
            }
        }
        return masks;
    }

    private NDArray level(NDArray x, int i, Pass pass, NDArray[] masks) {
        Level l = levels[i];
        Norm norm = spec.normType();
        int last = levels.length - 1;
        if (i == 0) {
            NDArray d = Layers.conv(x, params, l.prefix + "0", 2, 1);
            NDArray u = Activation.relu(level(d, 1, pass, masks));
            return Layers.convTranspose(u, params, l.prefix + "3", pass).tanh();
        }
        NDArray a = Activation.leakyRelu(x, 0.2f);
        NDArray u;
        if (i == last) {
            NDArray d = Activation.relu(Layers.conv(a, params, l.prefix + "1", 2, 1));
            u = Layers.convTranspose(d, params, l.prefix + "3", pass);
            u = Layers.norm(u, params, l.prefix + "4", norm, pass);
        } else {
            NDArray d = Layers.conv(a, params, l.prefix + "1", 2, 1);
            d = Layers.norm(d, params, l.prefix + "2", norm, pass);
            u = Activation.relu(level(d, i + 1, pass, masks));
            u = Layers.convTranspose(u, params, l.prefix + "5", pass);
            u = Layers.norm(u, params, l.prefix + "6", norm, pass);
            if (l.dropout) {
                u = Layers.dropout(u, masks == null ? null : masks[i], pass);
            }
        }
        return spec.skips() ? a.concat(u, 1) : u;
    }
}
