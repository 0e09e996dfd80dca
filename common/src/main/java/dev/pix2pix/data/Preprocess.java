package dev.pix2pix.data;

import java.util.Locale;

/**
 * The reference's {@code --preprocess} modes (its data/base_dataset.py get_params/get_transform): how a
 * training image is brought to the size the networks see.
 */
public enum Preprocess {
    /** Resize to load size x load size, then a random crop of the crop size (the paper's jitter; the default). */
    RESIZE_AND_CROP("resize_and_crop"),
    /** Random crops of the image at its native size. */
    CROP("crop"),
    /** Resize to the load size's width, keeping the aspect; the whole image is the sample. */
    SCALE_WIDTH("scale_width"),
    /** Resize to the load size's width, keeping the aspect, then a random crop. */
    SCALE_WIDTH_AND_CROP("scale_width_and_crop"),
    /** The native size, rounded to the network's multiple; the whole image is the sample. */
    NONE("none");

    private final String wire;

    Preprocess(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Whether samples are random crops of the crop size (else the whole prepared image). */
    public boolean crops() {
        return this == RESIZE_AND_CROP || this == CROP || this == SCALE_WIDTH_AND_CROP;
    }

    public static Preprocess parse(String s) {
        if (s == null) {
            return RESIZE_AND_CROP;
        }
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (Preprocess p : values()) {
            if (p.wire.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown preprocess '" + s + "' (resize_and_crop|crop|scale_width|scale_width_and_crop|none)");
    }

    @Override
    public String toString() {
        return wire;
    }
}
