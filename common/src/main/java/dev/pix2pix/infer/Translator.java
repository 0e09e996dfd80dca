package dev.pix2pix.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.pix2pix.data.LabTensors;
import dev.pix2pix.data.Tensors;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.Lab;
import dev.pix2pix.image.Letterbox;
import dev.pix2pix.image.Resize;
import dev.pix2pix.model.ModelInfo;
import dev.pix2pix.model.ModelSpec;
import dev.pix2pix.model.Generator;
import dev.pix2pix.nn.HostUpload;
import dev.pix2pix.nn.Pass;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a generator on images of any size: each image is letterboxed into a square canvas of the
 * render size (aspect kept by padding), translated, and brought back to its exact size. Colorize
 * models predict chroma at render size; it is upscaled and combined with the image's own
 * full-resolution lightness, so no detail of the input is lost. With
 * {@link InferenceSettings#fullResolution} the canvas is the image itself, padded (by reflection) to
 * the network's multiple: nothing is resampled, one pass covers the whole image (no tiles, no seams).
 *
 * <p>Deterministic per item: per-image statistics, dropout masks seeded from the item key and passes
 * of one fixed size make an image's output independent of the batch it lands in. Thread-confined (one per worker thread).
 */
public final class Translator {
    /** An input image (channels-first, [0,1]) with the key that seeds its test-time noise. */
    public record Item(String key, FloatImage image) {}

    private final Generator g;
    private final ModelInfo info;
    private final InferenceSettings settings;
    private final int renderSize;
    /** An RGB model asked to colorize: its chroma on the input's own full-resolution lightness. */
    private final boolean chromaOnly;

    public Translator(Generator g, ModelInfo info, InferenceSettings settings) {
        this(g, info, settings, false);
    }

    /**
     * @param colorize colorize mode: with a colorize (L -> ab) model as always; with an RGB model (CycleGAN's gray
     *     -> colour) only the output's chroma is used, on the input's full-resolution lightness (see
     *     {@link #modeRefusal})
     */
    public Translator(Generator g, ModelInfo info, InferenceSettings settings, boolean colorize) {
        this.g = g;
        this.info = info;
        this.settings = settings;
        this.renderSize = check(g.spec(), info, settings);
        this.chromaOnly = colorize && !info.colorize();
        String refusal = modeRefusal(info, colorize ? "colorize" : null);
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
    }

    /**
     * Why a model cannot run in a mode, or null when it can: a colorize model only colorizes; a model with three
     * output channels translates, and also colorizes keeping the input's lightness (its chroma only, as a
     * colorize model's output is); others only translate.
     *
     * @param mode translate | colorize, or null for the model's own
     */
    public static String modeRefusal(ModelInfo info, String mode) {
        if (mode == null || mode.equals(info.colorize() ? "colorize" : "translate")) {
            return null;
        }
        if (mode.equals("colorize") && info.spec().outputNc() == 3) {
            return null;
        }
        return "mode " + mode + " does not fit this model, which was trained to "
                + (info.colorize() ? "colorize" : "translate") + (mode.equals("colorize")
                        ? " and has " + info.spec().outputNc() + " output channels (colorize needs ab or RGB)" : "");
    }

    /**
     * Whether {@code settings} suit the model (before any weights are loaded, e.g. when a job is
     * accepted): returns the render size used, or throws IllegalArgumentException saying why not.
     */
    public static int check(ModelSpec spec, ModelInfo info, InferenceSettings settings) {
        int size = settings.renderSize() > 0 ? settings.renderSize() : Math.max(info.size(), spec.sizeMultiple());
        if (size % spec.sizeMultiple() != 0) {
            throw new IllegalArgumentException("render size " + size + " must be a multiple of "
                    + spec.sizeMultiple() + " for " + spec.netG());
        }
        if (info.colorize() && (spec.inputNc() != 1 || spec.outputNc() != 2)) {
            throw new IllegalArgumentException("a colorize model must map 1 channel (L) to 2 (ab), this one maps "
                    + spec.inputNc() + " -> " + spec.outputNc());
        }
        return size;
    }

    public int renderSize() {
        return renderSize;
    }

    public int batch() {
        return settings.batch();
    }

    public boolean colorize() {
        return info.colorize();
    }

    /** The network's input for one image: letterboxed canvas, normalised to [-1, 1]. */
    public Prepared prepare(Item item) {
        FloatImage src = item.image();
        ModelSpec spec = g.spec();
        FloatImage base;
        float[] lightness = null;
        if (info.colorize()) {
            lightness = Lab.lightnessPlane(src);
            base = new FloatImage(1, src.height(), src.width(), lightness);
        } else if (chromaOnly) {
            lightness = Lab.lightnessPlane(src);
            base = spec.inputNc() == 1 ? new FloatImage(1, src.height(), src.width(), grayPlane(src))
                    : src.channels() == 1 ? src.toRgb() : src;
        } else if (spec.inputNc() == 1) {
            base = new FloatImage(1, src.height(), src.width(), grayPlane(src));
        } else {
            base = src.channels() == 1 ? src.toRgb() : src;
        }
        Letterbox.Fitted fitted = settings.fullResolution()
                ? Letterbox.toMultiple(base, Math.max(base.width(), base.height()), spec.sizeMultiple(),
                        Letterbox.Padding.REFLECT)
                : Letterbox.square(base, renderSize, Letterbox.Padding.REFLECT);
        float[] x;
        if (info.colorize()) {
            x = fitted.canvas().data().clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = LabTensors.lToUnit(x[i]);
            }
        } else {
            x = Tensors.fromUnit(fitted.canvas().data());
        }
        if (!info.colorize() && spec.inputNc() > 3) {
            throw new IllegalArgumentException("inputs with more than 3 channels are not images");
        }
        return new Prepared(item, fitted, x, seedOf(item.key()), lightness);
    }

    /**
     * A prepared canvas, ready for {@link #forward}.
     *
     * @param lightness colorize: the full-resolution Lab L of the input, kept for {@link #finish}
     *     (computed once per image; null otherwise)
     */
    public record Prepared(Item item, Letterbox.Fitted fitted, float[] input, long seed, float[] lightness) {}

    /**
     * One forward pass over prepared items (the device part; the rest is CPU work). A shorter list is
     * padded with blank canvases to the configured batch size: convolution algorithms are chosen by
     * shape (oneDNN, cuDNN), so an image's output bits would otherwise depend on how many images
     * shared its pass, and the pipeline's groups depend on timing.
     */
    public List<float[]> forward(List<Prepared> batch, NDManager parent) {
        if (settings.fullResolution()) {
            // canvases differ in size: one pass per image (always one, so outputs do not depend on grouping)
            List<float[]> out = new ArrayList<>(batch.size());
            for (Prepared p : batch) {
                FloatImage c = p.fitted().canvas();
                out.add(pass(List.of(p), 1, c.width(), c.height(), parent).get(0));
            }
            return out;
        }
        return pass(batch, Math.max(batch.size(), settings.batch()), renderSize, renderSize, parent);
    }

    private List<float[]> pass(List<Prepared> batch, int n, int width, int height, NDManager parent) {
        ModelSpec spec = g.spec();
        int real = batch.size();
        int plane = width * height;
        float[] x = new float[n * spec.inputNc() * plane]; // padding stays 0, its seeds 0
        long[] seeds = new long[n];
        for (int i = 0; i < real; i++) {
            System.arraycopy(batch.get(i).input(), 0, x, i * spec.inputNc() * plane, spec.inputNc() * plane);
            seeds[i] = batch.get(i).seed();
        }
        dev.pix2pix.nn.TorchEngine.gradMode(false); // per thread: no autograd graph for inference
        try (NDManager step = parent.newSubManager()) {
            NDArray in = HostUpload.floats(step, x, new Shape(n, spec.inputNc(), height, width));
            Pass pass = settings.evalMode() ? Pass.eval(step) : Pass.testTime(step, seeds);
            float[] y = g.forward(in, pass).toFloatArray();
            List<float[]> out = new ArrayList<>(real);
            int per = spec.outputNc() * plane;
            for (int i = 0; i < real; i++) {
                float[] one = new float[per];
                System.arraycopy(y, i * per, one, 0, per);
                out.add(one);
            }
            return out;
        }
    }

    /** Turns a network output back into an RGB image of the input's exact size. */
    public FloatImage finish(Prepared p, float[] output) {
        FloatImage src = p.item().image();
        int c = g.spec().outputNc();
        int cw = p.fitted().canvas().width();
        int ch = p.fitted().canvas().height();
        if (info.colorize()) {
            float[] ab = new float[output.length];
            for (int i = 0; i < ab.length; i++) {
                ab[i] = (float) LabTensors.unitToAb(output[i]);
            }
            FloatImage chroma = p.fitted().restore(new FloatImage(2, ch, cw, ab));
            return Lab.composePreservingL(p.lightness(), chroma.plane(0), chroma.plane(1), src.height(),
                    src.width());
        }
        float[] unit = Tensors.toUnitClamped(output);
        FloatImage restored = p.fitted().restore(new FloatImage(c, ch, cw, unit)).clamp01();
        if (chromaOnly) {
            FloatImage lab = Lab.rgbToLab(restored);
            return Lab.composePreservingL(p.lightness(), lab.plane(1), lab.plane(2), src.height(), src.width());
        }
        return c == 1 ? restored.toRgb() : restored;
    }

    /** Convenience: prepare, forward and finish a list of items in batches. */
    public List<FloatImage> translate(List<Item> items, NDManager manager) {
        List<FloatImage> out = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += settings.batch()) {
            List<Prepared> batch = new ArrayList<>();
            for (Item it : items.subList(from, Math.min(items.size(), from + settings.batch()))) {
                batch.add(prepare(it));
            }
            List<float[]> ys = forward(batch, manager);
            for (int i = 0; i < batch.size(); i++) {
                out.add(finish(batch.get(i), ys.get(i)));
            }
        }
        return out;
    }

    private static float[] grayPlane(FloatImage src) {
        if (src.channels() == 1) {
            return src.data();
        }
        int n = src.planeSize();
        float[] d = src.data();
        float[] o = new float[n];
        for (int i = 0; i < n; i++) {
            o[i] = Tensors.luma(d[i], d[n + i], d[2 * n + i]);
        }
        return o;
    }

    /** Stable 64-bit seed of an item key (FNV-1a), mixed with the run's seed. */
    long seedOf(String key) {
        long h = 0xcbf29ce484222325L ^ settings.seed();
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Resizes a [0,1] image, e.g. for thumbnails. */
    public static FloatImage thumbnail(FloatImage img, int longSide) {
        double s = (double) longSide / Math.max(img.width(), img.height());
        if (s >= 1) {
            return img;
        }
        return Resize.area(img, Math.max(1, (int) Math.round(img.width() * s)),
                Math.max(1, (int) Math.round(img.height() * s)));
    }
}
