package dev.pix2pix.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import dev.pix2pix.nn.Layers;
import dev.pix2pix.nn.Norm;
import dev.pix2pix.nn.ParamStore;
import dev.pix2pix.nn.Pass;
import java.util.ArrayList;
import java.util.List;

/**
 * PatchGAN discriminators (paper appendix 6.1.2), named like the reference's NLayerDiscriminator
 * ({@code model.N}) and PixelDiscriminator ({@code net.N}). n_layers=3 is the 70x70 PatchGAN,
 * n=1 the 16x16, n=5 the 286x286 ImageGAN at 256; pixel is the 1x1 PixelGAN. Output: one logit per
 * patch.
 */
public final class PatchDiscriminator implements AutoCloseable {
    private final ModelSpec spec;
    private final ParamStore params;
    private final List<ConvLayer> layers = new ArrayList<>();

    /** One conv, optionally followed by norm and LeakyReLU(0.2). */
    private record ConvLayer(String conv, String norm, int kernel, int stride, int pad, boolean activation) {}

    public PatchDiscriminator(ModelSpec spec, NDManager manager, long seed) {
        this.spec = spec;
        this.params = new ParamStore(manager, seed);
        build();
        params.flatten(); // one buffer: the optimizer updates every parameter with one operation
    }

    private void build() {
        Norm norm = spec.normType();
        boolean bias = norm.convBias();
        long in = spec.discriminatorInputNc();
        long ndf = spec.ndf();
        if (spec.netD().equals("pixel")) {
            params.addConv("net.0", ndf, in, 1, true);
            params.addConv("net.2", ndf * 2, ndf, 1, bias);
            addNorm("net.3", ndf * 2, norm);
            params.addConv("net.5", 1, ndf * 2, 1, bias);
            layers.add(new ConvLayer("net.0", null, 1, 1, 0, true));
            layers.add(new ConvLayer("net.2", "net.3", 1, 1, 0, true));
            layers.add(new ConvLayer("net.5", null, 1, 1, 0, false));
            return;
        }
        int n = spec.nLayersD();
        params.addConv("model.0", ndf, in, 4, true);
        layers.add(new ConvLayer("model.0", null, 4, 2, 1, true));
        int idx = 2;
        long mult = 1;
        for (int i = 1; i <= n; i++) {
            long prev = mult;
            mult = Math.min(1L << i, 8);
            int stride = i < n ? 2 : 1;
            String conv = "model." + idx;
            String nm = "model." + (idx + 1);
            params.addConv(conv, ndf * mult, ndf * prev, 4, bias);
            addNorm(nm, ndf * mult, norm);
            layers.add(new ConvLayer(conv, nm, 4, stride, 1, true));
            idx += 3; // conv, norm (an Identity module when none), LeakyReLU
        }
        String last = "model." + idx;
        params.addConv(last, 1, ndf * mult, 4, true);
        layers.add(new ConvLayer(last, null, 4, 1, 1, false));
    }

    private void addNorm(String name, long c, Norm norm) {
        if (norm == Norm.BATCH) {
            params.addBatchNorm(name, c);
        }
    }

    public ParamStore params() {
        return params;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** Logits [N, 1, h, w] for a [N, C, H, W] input (input and output concatenated if conditional). */
    public NDArray forward(NDArray x, Pass pass) {
        NDArray y = x;
        for (ConvLayer l : layers) {
            y = Layers.conv(y, params, l.conv, l.stride, l.pad);
            if (l.norm != null) {
                y = Layers.norm(y, params, l.norm, spec.normType(), pass);
            }
            if (l.activation) {
                y = Activation.leakyRelu(y, 0.2f);
            }
        }
        return y;
    }

    /** Side of the input patch that one output logit sees. */
    public int receptiveField() {
        int rf = 1;
        for (int i = layers.size() - 1; i >= 0; i--) {
            ConvLayer l = layers.get(i);
            rf = (rf - 1) * l.stride + l.kernel;
        }
        return rf;
    }

    @Override
    public void close() {
        params.close();
    }
}
