/**
 * Image I/O and colour for the workers, plain Java (javax.imageio), no DJL.
 *
 * <ul>
 *   <li>{@link dev.pix2pix.image.FloatImage}: CHW float planes, values [0,1].</li>
 *   <li>{@link dev.pix2pix.image.ImageDecoder}: defensive decode of untrusted PNG/JPEG/TIFF/BMP/GIF into an
 *       upright {@link dev.pix2pix.image.DecodedImage}; rejections are
 *       {@link dev.pix2pix.image.DecodeException} with a typed reason.</li>
 *   <li>{@link dev.pix2pix.image.ImageWriter}: PNG 8/16, JPEG, TIFF 8/16 with text metadata
 *       ({@link dev.pix2pix.image.Provenance}) and ICC profile.</li>
 *   <li>{@link dev.pix2pix.image.Lab}: sRGB/Lab with the constants of metrics.py; lightness-preserving
 *       gamut mapping; {@link dev.pix2pix.image.Grayscale} for toned prints.</li>
 *   <li>{@link dev.pix2pix.image.Resize} and {@link dev.pix2pix.image.Letterbox} for model input sizes.</li>
 * </ul>
 */
package dev.pix2pix.image;
