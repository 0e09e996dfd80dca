package dev.pix2pix.data;

import java.util.Random;

/**
 * The geometry of one {@link Preprocess} mode: the size an image is prepared at (resized once, what the
 * prepared cache holds) and the window each sample takes from it (crop position and mirror, drawn
 * per sample). Semantics of the reference's get_params/get_transform, with two deviations the
 * networks need: {@code scale_width} rounds the height to the network's multiple, and {@code none}
 * rounds to the network's multiple instead of 4 (both to the nearest, ties to even as Python's round).
 *
 * @param mode the mode
 * @param loadSize resize target (side for resize_and_crop, width for the scale_width modes; unused otherwise)
 * @param cropSize side of the random crop (crop modes); the least prepared height for the scale_width modes
 * @param flip random horizontal mirror
 * @param multiple the network's size multiple (2^downsamplings)
 */
public record Preprocessing(Preprocess mode, int loadSize, int cropSize, boolean flip, int multiple) {
    /** A prepared width and height. */
    public record Size(int width, int height) {}

    /**
     * What a sample takes from a prepared image: a w x h window at (x, y), mirrored or not. In crop mode
     * the window may reach past an image smaller than the crop; those pixels are black (PIL's crop).
     */
    public record Window(int x, int y, int width, int height, boolean mirror) {}

    public Preprocessing {
        if (mode == null) {
            mode = Preprocess.RESIZE_AND_CROP;
        }
        if (multiple < 1) {
            throw new IllegalArgumentException("network multiple must be >= 1");
        }
        if (mode.crops() && (cropSize < 1 || cropSize % multiple != 0)) {
            throw new IllegalArgumentException("crop size " + cropSize + " must be a positive multiple of " + multiple);
        }
        if ((mode == Preprocess.RESIZE_AND_CROP || mode == Preprocess.SCALE_WIDTH_AND_CROP) && loadSize < cropSize) {
            throw new IllegalArgumentException("load size " + loadSize + " must be >= crop size " + cropSize);
        }
        if (mode == Preprocess.SCALE_WIDTH && (loadSize < multiple || loadSize % multiple != 0)) {
            throw new IllegalArgumentException("scale_width: load size " + loadSize + " is the network's input width and must be a multiple of " + multiple);
        }
    }

    /** Evaluation: resize to the model's size, whole image, no mirror. */
    public static Preprocessing evaluation(int size, int multiple) {
        return new Preprocessing(Preprocess.RESIZE_AND_CROP, size, size, false, multiple);
    }

    /** The size an image of w x h is resized to (once; cached). */
    public Size prepared(int w, int h) {
        switch (mode) {
            case RESIZE_AND_CROP:
                return new Size(loadSize, loadSize);
            case CROP:
                return new Size(w, h);
            case SCALE_WIDTH_AND_CROP:
                return new Size(loadSize, scaledHeight(w, h));
            case SCALE_WIDTH:
                return new Size(loadSize, roundToMultiple(scaledHeight(w, h)));
            case NONE:
            default:
                return new Size(roundToMultiple(w), roundToMultiple(h));
        }
    }

    /** __scale_width: int(max(load * h / w, crop)). */
    private int scaledHeight(int w, int h) {
        return (int) Math.max((long) loadSize * h / w, cropSize);
    }

    /** Nearest multiple, ties to even (Python's round), at least one multiple. */
    int roundToMultiple(int v) {
        long m = (long) Math.rint(v / (double) multiple) * multiple;
        return (int) Math.max(multiple, m);
    }

    /**
     * A sample's window on a prepared image of pw x ph. Draw order as the project always had it (x, then
     * y, each only when it has a range; then the mirror when flipping is on), so the same seed gives the
     * same crops as before.
     */
    public Window draw(int pw, int ph, Random rnd) {
        int x = 0;
        int y = 0;
        int w = pw;
        int h = ph;
        if (mode.crops()) {
            int rx = pw - cropSize;
            int ry = ph - cropSize;
            x = rx > 0 ? rnd.nextInt(rx + 1) : 0;
            y = ry > 0 ? rnd.nextInt(ry + 1) : 0;
            w = h = cropSize;
        }
        boolean mirror = flip && rnd.nextBoolean();
        return new Window(x, y, w, h, mirror);
    }

    /** What the prepared pixels depend on (not the crop position or the mirror): the prepared cache's key. */
    public String cacheKey() {
        switch (mode) {
            case RESIZE_AND_CROP:
                return mode.wire() + "-" + loadSize;
            case CROP:
                return mode.wire();
            case SCALE_WIDTH_AND_CROP:
                return mode.wire() + "-" + loadSize + "-min" + cropSize;
            case SCALE_WIDTH:
                return mode.wire() + "-" + loadSize + "-min" + cropSize + "-m" + multiple;
            case NONE:
            default:
                return mode.wire() + "-m" + multiple;
        }
    }
}
