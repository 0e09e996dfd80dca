package dev.pix2pix.infer;

/**
 * How a model is run.
 *
 * @param renderSize side of the square canvas the network sees (the image's long side is resized to
 *     it and the rest padded, so aspect is kept); 0 = the size the model was trained at
 * @param evalMode classic eval mode (running statistics, no dropout) instead of pix2pix's
 *     test-time mode (per-image statistics, dropout seeded from the item's key)
 * @param batch images per forward pass
 * @param seed mixed into every item's dropout seed
 * @param fullResolution run the generator on the whole image at its native size (padded to the
 *     network's multiple) instead of resampling it to the square canvas: for models trained on crops
 *     ({@code --preprocess crop}), the U-Net being fully convolutional. One image per pass.
 */
public record InferenceSettings(int renderSize, boolean evalMode, int batch, long seed, boolean fullResolution) {
    public InferenceSettings {
        if (renderSize < 0 || batch < 1) {
            throw new IllegalArgumentException("render size must be >= 0 and batch >= 1");
        }
        if (fullResolution && renderSize > 0) {
            throw new IllegalArgumentException("full resolution and a render size exclude each other");
        }
    }

    /** Square-canvas settings. */
    public InferenceSettings(int renderSize, boolean evalMode, int batch, long seed) {
        this(renderSize, evalMode, batch, seed, false);
    }

    public static InferenceSettings defaults() {
        return new InferenceSettings(0, false, 8, 0);
    }
}
