package dev.pix2pix.infer;

import dev.pix2pix.image.DecodedImage;
import dev.pix2pix.image.OutputFormat;
import java.util.Locale;

/**
 * How outputs are named and encoded: PNG by default, JPEG with a quality, or the input's own
 * container; 16-bit PNG/TIFF masters only for 16-bit inputs and only on request.
 *
 * @param format png | jpeg | same
 * @param jpegQuality 0..1
 * @param sixteenBit write 16-bit masters for 16-bit inputs (PNG or TIFF)
 */
public record OutputPolicy(String format, float jpegQuality, boolean sixteenBit) {
    public OutputPolicy {
        format = format == null ? "png" : format.toLowerCase(Locale.ROOT);
        if (!format.equals("png") && !format.equals("jpeg") && !format.equals("same")) {
            throw new IllegalArgumentException("unknown output format '" + format + "' (png|jpeg|same)");
        }
        if (jpegQuality <= 0 || jpegQuality > 1) {
            throw new IllegalArgumentException("jpeg quality must be in (0, 1]");
        }
    }

    /** JPEG quality when a job or the CLI names none, in the user-facing unit (1..100). */
    public static final int DEFAULT_JPEG_PERCENT = 92;

    public static OutputPolicy defaults() {
        return of("png", null, false);
    }

    /**
     * The one place the user-facing quality unit (1..100, as in the TranslateJob schema and every
     * {@code --jpeg-quality}) becomes the encoder's 0..1; null means the default.
     */
    public static OutputPolicy of(String format, Integer jpegPercent, boolean sixteenBit) {
        int q = jpegPercent == null ? DEFAULT_JPEG_PERCENT : jpegPercent;
        if (q < 1 || q > 100) {
            throw new IllegalArgumentException("jpeg quality must be 1..100, not " + q);
        }
        return new OutputPolicy(format, q / 100f, sixteenBit);
    }

    /** The container an input's output is written in (known before decoding, from the key). */
    public OutputFormat.Container container(String inputKey) {
        switch (format) {
            case "jpeg":
                return OutputFormat.Container.JPEG;
            case "same":
                String ext = extension(inputKey);
                if (ext.equals("jpg") || ext.equals("jpeg")) {
                    return OutputFormat.Container.JPEG;
                }
                if (ext.equals("tif") || ext.equals("tiff")) {
                    return OutputFormat.Container.TIFF;
                }
                return OutputFormat.Container.PNG;
            default:
                return OutputFormat.Container.PNG;
        }
    }

    public OutputFormat formatFor(String inputKey, DecodedImage in) {
        OutputFormat.Container c = container(inputKey);
        boolean deep = sixteenBit && in != null && in.bitDepth() == 16 && c != OutputFormat.Container.JPEG;
        switch (c) {
            case JPEG:
                return OutputFormat.jpeg(jpegQuality);
            case TIFF:
                return deep ? OutputFormat.tiff16() : OutputFormat.tiff8();
            default:
                return deep ? OutputFormat.png16() : OutputFormat.png8();
        }
    }

    /** {@code box1/scan7.tif} -> {@code box1/scan7.png}: same path, the output container's extension. */
    public String outputKey(String inputKey) {
        String ext;
        switch (container(inputKey)) {
            case JPEG:
                ext = "jpg";
                break;
            case TIFF:
                ext = "tif";
                break;
            default:
                ext = "png";
        }
        int slash = inputKey.lastIndexOf('/');
        int dot = inputKey.lastIndexOf('.');
        String stem = dot > slash ? inputKey.substring(0, dot) : inputKey;
        return stem + "." + ext;
    }

    /**
     * Inputs whose outputs would have the same key ({@code a.jpg} and {@code a.png} both become
     * {@code a.png}): output key -> the inputs, sorted; empty when every input has its own output.
     */
    public java.util.SortedMap<String, java.util.List<String>> collisions(java.util.Collection<String> inputKeys) {
        java.util.SortedMap<String, java.util.List<String>> byOutput = new java.util.TreeMap<>();
        for (String k : inputKeys) {
            byOutput.computeIfAbsent(outputKey(k), o -> new java.util.ArrayList<>()).add(k);
        }
        byOutput.values().removeIf(l -> l.size() < 2);
        byOutput.values().forEach(java.util.Collections::sort);
        return byOutput;
    }

    /** One sentence naming the colliding inputs (at most {@code max} groups), for a refusal. */
    public static String describeCollisions(java.util.SortedMap<String, java.util.List<String>> collisions, int max) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (var e : collisions.entrySet()) {
            if (n++ == max) {
                b.append("; and ").append(collisions.size() - max).append(" more");
                break;
            }
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(String.join(" and ", e.getValue())).append(" would both be written as ").append(e.getKey());
        }
        return "inputs collide on their output names: " + b
                + " (rename one of each, or use outputFormat \"same\" where the extensions differ)";
    }

    static String extension(String key) {
        int slash = key.lastIndexOf('/');
        int dot = key.lastIndexOf('.');
        return dot > slash ? key.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }
}
