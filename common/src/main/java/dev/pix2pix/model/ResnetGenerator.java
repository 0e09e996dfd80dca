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

/**
 * The reference's ResnetGenerator (resnet_9blocks, resnet_6blocks; Johnson et al.'s network, CycleGAN's
 * default): reflection pad 3, conv 7x7, two stride-2 3x3 convolutions, N residual blocks (reflection pad 1,
 * conv 3x3, norm, ReLU, [dropout 0.5], reflection pad 1, conv 3x3, norm, plus the block's input), two
 * transposed convolutions (kernel 3, stride 2, padding 1, output padding 1), reflection pad 3, conv 7x7, tanh.
 * Parameters are named as in the reference's nn.Sequential ({@code model.N...}) so its state dicts load as
 * they are; with ngf 64 and instance norm it has 11,378,179 (9 blocks) or 7,837,699 (6 blocks) parameters.
 */
public final class ResnetGenerator extends BaseGenerator {
    private final int blocks;
    private final boolean dropout;

    public ResnetGenerator(ModelSpec spec, NDManager manager, long seed) {
        super(requireResnet(spec), new ParamStore(manager, seed));
        this.blocks = spec.resnetBlocks();
        this.dropout = spec.dropout();
        build();
        params.flatten();
    }

    private static ModelSpec requireResnet(ModelSpec spec) {
        if (spec.resnetBlocks() == 0) {
            throw new IllegalArgumentException(spec.netG() + " is not a ResNet generator");
        }
        return spec;
    }

    /** The Sequential's index of the first up-sampling layer (after the blocks at 10 .. 10 + blocks - 1). */
    private int up() {
        return 10 + blocks;
    }

    /** Within a residual block: the second convolution's and norm's indices (one later with dropout). */
    private int secondConv() {
        return dropout ? 6 : 5;
    }

    private void build() {
        Norm norm = spec.normType();
        boolean bias = norm.convBias();
        long ngf = spec.ngf();
        params.addConv("model.1", ngf, spec.inputNc(), 7, bias);
        addNorm("model.2", ngf, norm);
        params.addConv("model.4", ngf * 2, ngf, 3, bias);
        addNorm("model.5", ngf * 2, norm);
        params.addConv("model.7", ngf * 4, ngf * 2, 3, bias);
        addNorm("model.8", ngf * 4, norm);
        long dim = ngf * 4;
        for (int i = 0; i < blocks; i++) {
            String b = "model." + (10 + i) + ".conv_block.";
            params.addConv(b + "1", dim, dim, 3, bias);
            addNorm(b + "2", dim, norm);
            params.addConv(b + secondConv(), dim, dim, 3, bias);
            addNorm(b + (secondConv() + 1), dim, norm);
        }
        params.addConvTranspose("model." + up(), ngf * 4, ngf * 2, 3, bias);
        addNorm("model." + (up() + 1), ngf * 2, norm);
        params.addConvTranspose("model." + (up() + 3), ngf * 2, ngf, 3, bias);
        addNorm("model." + (up() + 4), ngf, norm);
        params.addConv("model." + (up() + 7), spec.outputNc(), ngf, 7, true);
    }

    private void addNorm(String name, long c, Norm norm) {
        if (norm == Norm.BATCH) {
            params.addBatchNorm(name, c);
        }
    }

    /** The reflection pads need sides over 3 at the input and over 1 after two halvings. */
    @Override
    int minimumSide() {
        return 16;
    }

    @Override
    NDArray run(NDArray x, Pass pass) {
        NDArray[] masks = seededMasks(x.getShape(), pass);
        Norm norm = spec.normType();
        NDArray y = Layers.conv(Layers.reflectPad(x, 3), params, "model.1", 1, 0);
        y = Activation.relu(Layers.norm(y, params, "model.2", norm, pass));
        y = Activation.relu(Layers.norm(Layers.conv(y, params, "model.4", 2, 1), params, "model.5", norm, pass));
        y = Activation.relu(Layers.norm(Layers.conv(y, params, "model.7", 2, 1), params, "model.8", norm, pass));
        for (int i = 0; i < blocks; i++) {
            String b = "model." + (10 + i) + ".conv_block.";
            NDArray r = Layers.conv(Layers.reflectPad(y, 1), params, b + "1", 1, 0);
            r = Activation.relu(Layers.norm(r, params, b + "2", norm, pass));
            if (dropout) {
                r = Layers.dropout(r, masks == null ? null : masks[i], pass);
            }
            r = Layers.conv(Layers.reflectPad(r, 1), params, b + secondConv(), 1, 0);
            r = Layers.norm(r, params, b + (secondConv() + 1), norm, pass);
            y = y.add(r);
        }
        y = Layers.convTranspose(y, params, "model." + up(), pass);
        y = Activation.relu(Layers.norm(y, params, "model." + (up() + 1), norm, pass));
        y = Layers.convTranspose(y, params, "model." + (up() + 3), pass);
        y = Activation.relu(Layers.norm(y, params, "model." + (up() + 4), norm, pass));
        return Layers.conv(Layers.reflectPad(y, 3), params, "model." + (up() + 7), 1, 0).tanh();
    }

    /** One seeded dropout mask per residual block, or null when the pass draws none. */
    private NDArray[] seededMasks(Shape in, Pass pass) {
        if (!dropout || pass.dropout() != DropoutMode.SEEDED) {
            return null;
        }
        Shape s = new Shape(in.get(0), spec.ngf() * 4L, in.get(2) / 4, in.get(3) / 4);
        Shape[] shapes = new Shape[blocks];
        int[] layers = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            shapes[i] = s;
            layers[i] = i;
        }
        return Layers.seededMasks(shapes, layers, pass.itemSeeds(), isHalf() ? DataType.FLOAT16 : DataType.FLOAT32,
                pass.manager());
    }
}
