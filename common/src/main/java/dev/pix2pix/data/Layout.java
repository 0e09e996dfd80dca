package dev.pix2pix.data;

import java.util.Locale;

/** How a training set is laid out on disk. */
public enum Layout {
    /** One file per pair, A on the left half and B on the right (the reference's aligned mode). */
    ALIGNED,
    /** Folders A/ and B/ with pairs matched by file name. */
    FOLDERS,
    /** Plain colour photos of any size; pairs are made on the fly as L -> ab in CIE Lab. */
    COLOR,
    /**
     * Folders A/ and B/ of unrelated images, of different counts (CycleGAN): each side is a set of single
     * images (see {@link UnalignedSet}), never pairs.
     */
    UNALIGNED;

    public static Layout parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown layout '" + s + "' (aligned|folders|color|unaligned)");
        }
    }
}
