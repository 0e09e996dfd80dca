package dev.pix2pix.data;

/**
 * The reference's 'resize_and_crop' preprocessing with mirror: both halves of a pair are resized
 * to loadSize, cropped at the same random place to cropSize and flipped together.
 *
 * @param loadSize side after resizing (286 in the paper)
 * @param cropSize side of the random crop fed to the nets (256)
 * @param flip random horizontal mirror
 */
public record Augment(int loadSize, int cropSize, boolean flip) {
    public Augment {
        if (cropSize < 1 || loadSize < cropSize) {
            throw new IllegalArgumentException("load size " + loadSize + " must be >= crop size " + cropSize);
        }
    }

    /** No jitter: resize straight to the crop size (evaluation). */
    public static Augment none(int size) {
        return new Augment(size, size, false);
    }
}
