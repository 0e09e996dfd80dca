package dev.pix2pix.image;

import java.util.List;
import java.util.Map;

/**
 * A decoded, upright image and what an archive scan needs to know about it.
 *
 * @param image       upright pixels, raw file sample values scaled to [0,1] (no colour management);
 *                    1 channel for gray files, 3 for everything else (alpha dropped, palette expanded)
 * @param bitDepth    8 or 16 (precision the samples came with; 32 for float TIFFs)
 * @param isGray      the file is gray, or RGB whose channels agree within the configured tolerance
 * @param format      "png", "jpeg", "tiff", "bmp" or "gif"
 * @param orientation Exif/TIFF orientation tag that was applied (1 when none)
 * @param iccProfile  embedded ICC profile bytes, or null
 * @param exif        raw Exif (TIFF-structured) bytes, or null
 * @param text        textual metadata: PNG tEXt/zTXt/iTXt keys, JPEG "Comment", TIFF ImageDescription/Software/...
 * @param warnings    non-fatal decoder warnings
 */
public record DecodedImage(FloatImage image, int bitDepth, boolean isGray, String format, int orientation,
                           byte[] iccProfile, byte[] exif, Map<String, String> text, List<String> warnings) {

    public int width() { return image.width(); }

    public int height() { return image.height(); }

    /**
     * One-channel gray version: the file's gray plane, the shared plane of an RGB-encoded gray,
     * or, for colour/toned images, the gray with the same Lab lightness.
     */
    public FloatImage gray() {
        if (image.channels() == 1) return image;
        if (isGray) {
            // channels agree within tolerance: the green plane is the gray (avoids averaging JPEG noise into it)
            return new FloatImage(1, image.height(), image.width(), image.plane(1));
        }
        return Grayscale.fromLightness(image);
    }
}
