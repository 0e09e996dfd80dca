package dev.pix2pix.image;

import dev.pix2pix.image.DecodeException.Reason;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Defensive decoder for archive scans of untrusted photos (PNG, JPEG, TIFF, BMP, GIF).
 *
 * <p>Before any pixel is decoded the file is vetted: size limits, format by magic number, the
 * container structure (JPEG markers up to EOI, PNG chunks up to IEND with CRCs, TIFF strip extents)
 * and the declared width*height, from our own header parse and again from ImageIO's
 * {@code getWidth/getHeight}. Truncated files are rejected instead of returned half gray, and decoder
 * warnings about premature ends are turned into errors too. The result is made upright from the
 * Exif/TIFF orientation tag. Instances are immutable and thread-safe.
 */
public final class ImageDecoder {
    private final DecodeLimits limits;

    public ImageDecoder() {
        this(DecodeLimits.defaults());
    }

    public ImageDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    public DecodeLimits limits() { return limits; }

    /** Decodes a file. Plain I/O failures (missing file, permissions) are thrown as IOException. */
    public DecodedImage decode(Path file) throws IOException {
        String name = file.toString();
        long size = Files.size(file);
        if (size > limits.maxFileBytes()) {
            throw new DecodeException(Reason.TOO_LARGE, name, "file of " + size + " bytes exceeds limit " + limits.maxFileBytes());
        }
        return decode(Files.readAllBytes(file), name);
    }

    /** Decodes in-memory bytes; {@code name} labels error messages. */
    public DecodedImage decode(byte[] bytes, String name) throws DecodeException {
        return decode(bytes, name, 0);
    }

    /**
     * Like {@link #decode(byte[], String)} but, when {@code targetLongSide > 0}, lets the decoder skip
     * pixels (integer source subsampling) while the long side stays at least twice the target, so a
     * 40-megapixel scan destined for a 512-pixel model input never exists at full size in memory.
     * Follow with {@link Resize#area} to the exact size; the pixel limit still applies to the declared size.
     */
    public DecodedImage decode(byte[] bytes, String name, int targetLongSide) throws DecodeException {
        int target = Math.max(0, targetLongSide);
        if (bytes.length == 0) throw new DecodeException(Reason.EMPTY, name, "0-byte file");
        if (bytes.length > limits.maxFileBytes()) {
            throw new DecodeException(Reason.TOO_LARGE, name, bytes.length + " bytes exceeds limit " + limits.maxFileBytes());
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        return switch (format) {
            case PNG -> decodePng(bytes, name, target);
            case JPEG -> decodeJpeg(bytes, name, target);
            case TIFF -> decodeTiff(bytes, name, target);
            case BMP -> decodeBmp(bytes, name, target);
            case GIF -> decodeGif(bytes, name, target);
            case TRUNCATED_HEADER -> throw new DecodeException(Reason.TRUNCATED, name,
                    "only " + bytes.length + " bytes, header incomplete");
            default -> throw new DecodeException(Reason.UNSUPPORTED_FORMAT, name, format.description());
        };
    }

    private DecodedImage decodePng(byte[] bytes, String name, int target) throws DecodeException {
        PngStructure s = PngStructure.parse(bytes);
        if (s.width >= 0) checkPixels(s.width, s.height, name);
        if (s.corruptChunk != null) throw new DecodeException(Reason.CORRUPT, name, "CRC error in PNG " + s.corruptChunk + " chunk");
        if (s.width < 0) {
            throw new DecodeException(s.truncated ? Reason.TRUNCATED : Reason.CORRUPT, name, "PNG without IHDR");
        }
        if (s.truncated || !s.hasIend) throw new DecodeException(Reason.TRUNCATED, name, "PNG ends before IEND chunk");
        Decoded d = read(bytes, "png", name, target);
        int orientation = s.exif != null ? exifOrientation(s.exif) : 1;
        return finish(d, "png", orientation, s.icc, s.exif, s.text);
    }

    private DecodedImage decodeJpeg(byte[] bytes, String name, int target) throws DecodeException {
        JpegStructure s = JpegStructure.parse(bytes);
        if (s.width < 0) {
            throw new DecodeException(s.cutInHeaders ? Reason.TRUNCATED : Reason.CORRUPT, name, "JPEG without frame header");
        }
        checkPixels(s.width, s.height, name);
        if (s.components == 4) {
            throw new DecodeException(Reason.CMYK, name, s.adobeTransform == 2 ? "YCCK JPEG (Adobe transform 2)" : "CMYK JPEG");
        }
        if (s.components != 1 && s.components != 3) {
            throw new DecodeException(Reason.UNSUPPORTED_FORMAT, name, "JPEG with " + s.components + " components");
        }
        if (s.precision != 8) throw new DecodeException(Reason.UNSUPPORTED_FORMAT, name, s.precision + "-bit JPEG");
        if (!s.hasEoi) throw new DecodeException(Reason.TRUNCATED, name, "JPEG ends before EOI marker");
        // raw file values: keep the profile away from the JDK codec, which would convert (or fail on) it
        Decoded d = read(s.icc != null ? JpegIcc.strip(bytes) : bytes, "jpeg", name, target);
        int orientation = s.exif != null ? exifOrientation(s.exif) : 1;
        Map<String, String> text = s.comments.isEmpty() ? Map.of() : Map.of("Comment", String.join("\n", s.comments));
        return finish(d, "jpeg", orientation, s.icc, s.exif, text);
    }

    private DecodedImage decodeTiff(byte[] bytes, String name, int target) throws DecodeException {
        TiffDirectory t;
        try {
            t = TiffDirectory.parse(bytes, 0, bytes.length);
        } catch (TiffDirectory.Malformed e) {
            if (e.getMessage().startsWith("BigTIFF")) throw new DecodeException(Reason.UNSUPPORTED_FORMAT, name, "BigTIFF");
            throw new DecodeException(e.pastEnd ? Reason.TRUNCATED : Reason.CORRUPT, name, e.getMessage());
        }
        checkPixels(t.width, t.height, name);
        if (t.photometric == 5) throw new DecodeException(Reason.CMYK, name, "separated (CMYK) TIFF");
        if (t.photometric >= 8) { // CIELab, ICCLab, ITULab, CFA, LinearRaw
            throw new DecodeException(Reason.UNSUPPORTED_FORMAT, name, "TIFF photometric interpretation " + t.photometric);
        }
        if (t.dataEnd() > bytes.length) {
            throw new DecodeException(Reason.TRUNCATED, name, "TIFF image data extends to byte " + t.dataEnd() + " of " + bytes.length);
        }
        Decoded d = read(bytes, "tiff", name, target);
        return finish(d, "tiff", t.orientation, t.iccProfile, null, t.text);
    }

    private DecodedImage decodeBmp(byte[] bytes, String name, int target) throws DecodeException {
        if (bytes.length < 30) throw new DecodeException(Reason.TRUNCATED, name, "BMP header incomplete");
        long offBits = le32(bytes, 10);
        long w = (int) le32(bytes, 18), h = Math.abs((int) le32(bytes, 22));
        checkPixels(Math.abs(w), h, name);
        int bpp = (bytes[28] & 0xff) | ((bytes[29] & 0xff) << 8);
        long compression = bytes.length >= 34 ? le32(bytes, 30) : 0;
        if (compression == 0) {
            long row = ((bpp * Math.abs(w) + 31) / 32) * 4;
            if (offBits + row * h > bytes.length) throw new DecodeException(Reason.TRUNCATED, name, "BMP pixel data incomplete");
        }
        return finish(read(bytes, "bmp", name, target), "bmp", 1, null, null, Map.of());
    }

    private DecodedImage decodeGif(byte[] bytes, String name, int target) throws DecodeException {
        if (bytes.length < 13) throw new DecodeException(Reason.TRUNCATED, name, "GIF header incomplete");
        checkPixels((bytes[6] & 0xff) | ((bytes[7] & 0xff) << 8), (bytes[8] & 0xff) | ((bytes[9] & 0xff) << 8), name);
        int last = bytes.length - 1;
        while (last > 0 && bytes[last] == 0) last--;
        if (bytes[last] != 0x3b) throw new DecodeException(Reason.TRUNCATED, name, "GIF without trailer");
        return finish(read(bytes, "gif", name, target), "gif", 1, null, null, Map.of());
    }

    private void checkPixels(long w, long h, String name) throws DecodeException {
        if (w <= 0 || h <= 0) throw new DecodeException(Reason.CORRUPT, name, "declared size " + w + "x" + h);
        if (w * h > limits.maxPixels()) {
            throw new DecodeException(Reason.TOO_LARGE, name, "declared " + w + "x" + h + " exceeds " + limits.maxPixels() + " pixels");
        }
    }

    private record Decoded(RasterConversion.Converted pixels, List<String> warnings) {}

    private Decoded read(byte[] bytes, String formatName, String name, int target) throws DecodeException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(formatName);
        if (!it.hasNext()) throw new DecodeException(Reason.UNSUPPORTED_FORMAT, name, "no ImageIO reader for " + formatName);
        ImageReader reader = it.next();
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            // the decompression-bomb guard proper: ImageIO's own view of the header, before read()
            checkPixels(reader.getWidth(0), reader.getHeight(0), name);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            ImageReadParam param = reader.getDefaultReadParam();
            if (target > 0) {
                int step = Math.max(1, Math.max(reader.getWidth(0), reader.getHeight(0)) / (2 * target));
                if (step > 1) param.setSourceSubsampling(step, step, 0, 0);
            }
            BufferedImage bi = reader.read(0, param);
            for (String w : warnings) {
                String lw = w.toLowerCase(Locale.ROOT);
                if (lw.contains("premature end") || lw.contains("truncated") || lw.contains("missing eoi")) {
                    throw new DecodeException(Reason.TRUNCATED, name, "decoder: " + w);
                }
                // libjpeg conceals damaged entropy data with gray blocks and only warns
                if (lw.contains("bad huffman") || lw.contains("instead of rst") || extraneousBytes(lw) >= EXTRANEOUS_LIMIT) {
                    throw new DecodeException(Reason.CORRUPT, name, "decoder: " + w);
                }
            }
            int type = bi.getColorModel().getColorSpace().getType();
            if (type == ColorSpace.TYPE_CMYK) throw new DecodeException(Reason.CMYK, name, "CMYK colour model");
            try {
                return new Decoded(RasterConversion.toFloat(bi), warnings);
            } catch (IllegalArgumentException e) {
                throw new DecodeException(Reason.UNSUPPORTED_FORMAT, name, e.getMessage(), e);
            }
        } catch (DecodeException e) {
            throw e;
        } catch (EOFException e) {
            throw new DecodeException(Reason.TRUNCATED, name, "unexpected end of data", e);
        } catch (IIOException e) {
            if (e.getCause() instanceof EOFException) throw new DecodeException(Reason.TRUNCATED, name, "unexpected end of data", e);
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Unsupported")) throw new DecodeException(Reason.UNSUPPORTED_FORMAT, name, msg, e);
            throw new DecodeException(Reason.CORRUPT, name, msg, e);
        } catch (IOException | RuntimeException e) {
            // ImageIO plugins signal broken data with all sorts of runtime exceptions
            throw new DecodeException(Reason.CORRUPT, name, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Scan data left over when all blocks are decoded means the entropy decoder lost sync (damaged
     * bits): what it produced is garbage. A few stray bytes are common in legitimate files, so only a
     * run this long counts as corruption.
     */
    static final int EXTRANEOUS_LIMIT = 64;
    private static final Pattern EXTRANEOUS = Pattern.compile("(\\d+) extraneous bytes");

    static long extraneousBytes(String warning) {
        Matcher m = EXTRANEOUS.matcher(warning);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private DecodedImage finish(Decoded d, String format, int orientation, byte[] icc, byte[] exif, Map<String, String> text) {
        FloatImage img = d.pixels().image();
        int o = orientation >= 1 && orientation <= 8 ? orientation : 1;
        img = Orientation.upright(img, o);
        boolean gray = Grayscale.isGray(img, limits.grayTolerance());
        return new DecodedImage(img, d.pixels().bitDepth(), gray, format, o, icc, exif, Map.copyOf(text), List.copyOf(d.warnings()));
    }

    private static int exifOrientation(byte[] exif) {
        try {
            return TiffDirectory.parse(exif, 0, exif.length).orientation;
        } catch (TiffDirectory.Malformed e) {
            return 1; // broken Exif must not cost us the picture
        }
    }

    private static long le32(byte[] b, int p) {
        return (b[p] & 0xffL) | ((b[p + 1] & 0xffL) << 8) | ((b[p + 2] & 0xffL) << 16) | ((b[p + 3] & 0xffL) << 24);
    }
}
