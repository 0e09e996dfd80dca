package dev.pix2pix.nn;

/** Normalisation layer type, as the reference's --norm option. */
public enum Norm {
    BATCH,
    INSTANCE,
    NONE;

    /** The reference gives convolutions a bias only where the norm layer has no affine shift. */
    public boolean convBias() {
        return this == INSTANCE;
    }

    public static Norm parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown norm '" + s + "' (batch|instance|none)");
        }
    }
}
