package dev.pix2pix.pth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.PatchDiscriminator;
import dev.pix2pix.nn.ParamStore;
import dev.pix2pix.model.Generator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps state dicts of the reference PyTorch implementation onto our networks and back. Our
 * parameters carry the reference's key names, so the mapping is one to one; what this class adds is
 * recognising the architecture from the tensors' shapes, and refusing (all or nothing, the key
 * named) anything that does not fit.
 */
public final class ReferenceModels {
    private ReferenceModels() {}

    /** Architecture overrides for an import; null fields are inferred from the shapes. */
    public record Overrides(String netG, String norm, Boolean dropout, String netD, Integer ndf) {
        public static Overrides none() {
            return new Overrides(null, null, null, null, null);
        }
    }

    /**
     * Infers a generator's spec: depth from the nesting of {@code model.model.1(.model.3)*}, ngf and
     * channels from the outermost convolutions, the norm from BatchNorm buffers or conv biases, and
     * U-Net vs encoder-decoder from the outermost decoder's input width.
     */
    public static ModelSpec inferGenerator(StateDict sd, Overrides o) {
        if (!sd.containsKey("model.model.0.weight") && sd.containsKey("model.1.weight")) {
            return inferResnet(sd, o);
        }
        TensorData down = need(sd, "model.model.0.weight", 4);
        TensorData up = need(sd, "model.model.3.weight", 4);
        int ngf = (int) down.shape()[0];
        int inputNc = (int) down.shape()[1];
        int outputNc = (int) up.shape()[1];
        int depth = 1;
        String prefix = "model.model.1.model.";
        while (sd.containsKey(prefix + "1.weight")) {
            depth++;
            if (!sd.containsKey(prefix + "3.model.1.weight")) {
                break;
            }
            prefix = prefix + "3.model.";
        }
        String size;
        switch (depth) {
            case 8:
                size = "256";
                break;
            case 7:
                size = "128";
                break;
            case 6:
                size = "64";
                break;
            default:
                throw new IllegalArgumentException("unknown generator layout: " + depth
                        + " down-sampling levels (expected 6, 7 or 8 for unet_64/128/256)");
        }
        boolean skips = up.shape()[0] == 2L * ngf;
        if (!skips && up.shape()[0] != ngf) {
            throw new IllegalArgumentException("model.model.3.weight has " + up.shape()[0] + " input channels, expected "
                    + 2 * ngf + " (U-Net) or " + ngf + " (encoder-decoder)");
        }
        String norm = sd.containsKey("model.model.1.model.2.running_mean") ? "batch"
                : sd.containsKey("model.model.1.model.1.bias") ? "instance" : "none";
        String netG = o.netG() != null ? o.netG() : (skips ? "unet_" : "encdec_") + size;
        return new ModelSpec(netG, "basic", 3, ngf, o.ndf() != null ? o.ndf() : 64, o.norm() != null ? o.norm() : norm,
                inputNc, outputNc, o.dropout() == null || o.dropout(), true);
    }

    /**
     * A ResNet generator ({@code model.1} the 7x7 input convolution, blocks {@code model.10 ..}): the number of
     * blocks from the {@code conv_block}s, dropout from their layout (the second convolution sits one index later
     * after a Dropout), the norm from BatchNorm buffers or conv biases.
     */
    static ModelSpec inferResnet(StateDict sd, Overrides o) {
        TensorData first = need(sd, "model.1.weight", 4);
        if (first.shape()[2] != 7) {
            throw new IllegalArgumentException("model.1.weight is " + first.shape()[2] + "x" + first.shape()[3]
                    + ", expected the ResNet generator's 7x7 input convolution");
        }
        int ngf = (int) first.shape()[0];
        int inputNc = (int) first.shape()[1];
        int blocks = 0;
        while (sd.containsKey("model." + (10 + blocks) + ".conv_block.1.weight")) {
            blocks++;
        }
        if (blocks != 9 && blocks != 6) {
            throw new IllegalArgumentException("unknown generator layout: " + blocks
                    + " residual blocks (expected 9 or 6 for resnet_9blocks/resnet_6blocks)");
        }
        boolean dropoutLayout = sd.containsKey("model.10.conv_block.6.weight");
        int outputNc = (int) need(sd, "model." + (17 + blocks) + ".weight", 4).shape()[0];
        String norm = sd.containsKey("model.2.running_mean") ? "batch" : sd.containsKey("model.1.bias") ? "instance" : "none";
        String netG = o.netG() != null ? o.netG() : "resnet_" + blocks + "blocks";
        return new ModelSpec(netG, "basic", 3, ngf, o.ndf() != null ? o.ndf() : 64, o.norm() != null ? o.norm() : norm,
                inputNc, outputNc, o.dropout() != null ? o.dropout() : dropoutLayout, true);
    }

    /** Infers a discriminator's depth, width and input channels (NLayer or Pixel layout). */
    public static ModelSpec inferDiscriminator(StateDict sd, ModelSpec generator) {
        if (sd.containsKey("net.0.weight")) {
            int ndf = (int) need(sd, "net.0.weight", 4).shape()[0];
            return withD(generator, "pixel", 3, ndf, (int) sd.get("net.0.weight").shape()[1]);
        }
        TensorData first = need(sd, "model.0.weight", 4);
        int ndf = (int) first.shape()[0];
        int convs = 0;
        for (String k : sd.keys()) {
            if (k.startsWith("model.") && k.endsWith(".weight") && sd.get(k).shape().length == 4) {
                convs++;
            }
        }
        return withD(generator, "n_layers", convs - 2, ndf, (int) first.shape()[1]);
    }

    private static ModelSpec withD(ModelSpec g, String netD, int n, int ndf, int in) {
        boolean conditional = in == g.inputNc() + g.outputNc();
        if (!conditional && in != g.outputNc()) {
            throw new IllegalArgumentException("discriminator sees " + in + " channels: neither input+output ("
                    + (g.inputNc() + g.outputNc()) + ") nor output alone (" + g.outputNc() + ")");
        }
        return new ModelSpec(g.netG(), netD.equals("n_layers") && n == 3 ? "basic" : netD, n, g.ngf(), ndf, g.norm(),
                g.inputNc(), g.outputNc(), g.dropout(), conditional);
    }

    /** Builds the generator and loads the state dict into it, or fails naming the offending keys. */
    public static Generator loadGenerator(StateDict sd, ModelSpec spec, NDManager manager) {
        Generator g = Generator.create(spec, manager, 0);
        try {
            load(g.params(), sd);
            return g;
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    public static PatchDiscriminator loadDiscriminator(StateDict sd, ModelSpec spec, NDManager manager) {
        PatchDiscriminator d = new PatchDiscriminator(spec, manager, 0);
        try {
            load(d.params(), sd);
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    static void load(ParamStore params, StateDict sd) {
        try (NDManager tmp = params.manager().newSubManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (Map.Entry<String, TensorData> e : sd) {
                TensorData t = e.getValue();
                NDArray a = t.dtype().isFloatingPoint()
                        ? tmp.create(t.toFloatArray(), new Shape(t.shape()))
                        : tmp.create(t.toLongArray(), new Shape(t.shape()));
                arrays.put(e.getKey(), a);
            }
            params.load(arrays);
        }
    }

    /**
     * The state dict the reference code loads with {@code load_state_dict(strict=True)}: float32
     * tensors, BatchNorm buffers and int64 {@code num_batches_tracked}, in the order torch's
     * {@code state_dict()} lists them (so an exported file reads like one torch wrote).
     */
    public static StateDict toStateDict(ParamStore params) {
        Map<String, TensorData> sorted = new TreeMap<>(ReferenceModels::torchOrder);
        try (NDManager tmp = params.manager().newSubManager()) {
            Map<String, NDArray> all = params.stateDict(tmp);
            Map<String, Long> counts = params.batchesTracked();
            for (String k : params.trainableByName().keySet()) {
                put(sorted, k, all.get(k));
                if (k.endsWith(".bias")) {
                    String module = k.substring(0, k.length() - ".bias".length());
                    if (counts.containsKey(module)) {
                        put(sorted, module + ".running_mean", all.get(module + ".running_mean"));
                        put(sorted, module + ".running_var", all.get(module + ".running_var"));
                        sorted.put(module + ".num_batches_tracked", TensorData.ofLongScalar(counts.get(module)));
                    }
                }
            }
        }
        return new StateDict(sorted);
    }

    private static final List<String> ATTRIBUTE_ORDER =
            List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked");

    /**
     * torch's state-dict order: modules depth first in registration order (Sequential children by
     * index, compared as numbers), a module's own parameters before its buffers.
     */
    static int torchOrder(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        int n = Math.min(x.length, y.length) - 1;
        for (int i = 0; i < n; i++) {
            int c = component(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length); // a module's own entries before its children's
        }
        int c = Integer.compare(attributeRank(x[n]), attributeRank(y[n]));
        return c != 0 ? c : x[n].compareTo(y[n]);
    }

    private static int component(String p, String q) {
        boolean np = !p.isEmpty() && p.chars().allMatch(Character::isDigit);
        boolean nq = !q.isEmpty() && q.chars().allMatch(Character::isDigit);
        if (np && nq) {
            return Long.compare(Long.parseLong(p), Long.parseLong(q));
        }
        return p.compareTo(q);
    }

    private static int attributeRank(String name) {
        int i = ATTRIBUTE_ORDER.indexOf(name);
        return i < 0 ? ATTRIBUTE_ORDER.size() : i;
    }

    private static void put(Map<String, TensorData> sd, String name, NDArray a) {
        float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
        sd.put(name, TensorData.ofFloats(a.getShape().getShape(), v));
    }

    private static TensorData need(StateDict sd, String key, int rank) {
        TensorData t = sd.get(key);
        if (t == null) {
            throw new IllegalArgumentException("not a pix2pix " + (key.startsWith("model.model") ? "generator" : "discriminator")
                    + " state dict: no key " + key + " (keys start with: " + sd.keys().stream().limit(3).toList() + ")");
        }
        if (t.shape().length != rank) {
            throw new IllegalArgumentException(key + " has shape " + java.util.Arrays.toString(t.shape()) + ", expected rank " + rank);
        }
        return t;
    }
}
