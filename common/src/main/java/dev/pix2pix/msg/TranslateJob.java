package dev.pix2pix.msg;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * Request to translate (or colorize) images with a trained model (topic
 * {@link Topics#TRANSLATE_JOBS}); schema {@code schemas/translate-job.schema.json}. Exactly one of
 * {@code input} and {@code inputs} is set.
 *
 * @param schemaVersion "1.x"
 * @param jobId         client-chosen id, also the Kafka key
 * @param model         s3:// URI of a model folder (ending in '/') or of a .pth file
 * @param input         s3:// prefix: every image below it is translated
 * @param inputs        explicit s3:// object URIs
 * @param output        s3:// prefix results are written to (relative key below input kept)
 * @param mode          translate (default) or colorize
 * @param options       null or any null field = default
 * @param direction     for a CycleGAN model folder (AtoB/ and BtoA/): which generator, AtoB (G_A, null) or BtoA
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TranslateJob(String schemaVersion, String jobId, String model, String input, List<String> inputs,
                           String output, Mode mode, Options options, TrainJob.Direction direction) {

    /** A job with the model's only generator (or a CycleGAN folder's AtoB). */
    public TranslateJob(String schemaVersion, String jobId, String model, String input, List<String> inputs,
            String output, Mode mode, Options options) {
        this(schemaVersion, jobId, model, input, inputs, output, mode, options, null);
    }

    public static TranslateJob ofPrefix(String jobId, String model, String input, String output, Mode mode,
                                        Options options) {
        return new TranslateJob(SchemaVersion.CURRENT, jobId, model, input, null, output, mode, options);
    }

    public static TranslateJob ofObjects(String jobId, String model, List<String> inputs, String output, Mode mode,
                                         Options options) {
        return new TranslateJob(SchemaVersion.CURRENT, jobId, model, null, inputs, output, mode, options);
    }

    /** The mode, defaulting to translate. */
    public Mode modeOrDefault() {
        return mode == null ? Mode.TRANSLATE : mode;
    }

    public enum Mode {
        TRANSLATE("translate"),
        COLORIZE("colorize");

        private final String wire;

        Mode(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    public enum Format {
        PNG("png"),
        JPEG("jpeg"),
        /** The input's own format. */
        SAME("same");

        private final String wire;

        Format(String wire) {
            this.wire = wire;
        }

        /** png | jpeg | same, any case. */
        public static Format parse(String s) {
            for (Format f : values()) {
                if (f.wire.equalsIgnoreCase(s)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown output format '" + s + "' (png|jpeg|same)");
        }

        @JsonValue
        public String wire() {
            return wire;
        }
    }

    /**
     * @param evalMode     batch norm with running statistics and no dropout (reference: --eval)
     * @param renderSize   size the network sees; results are scaled back to the input's size
     * @param outputFormat png | jpeg | same
     * @param jpegQuality  1..100
     * @param sixteenBit   16-bit PNG output
     * @param maxPixels    inputs with more pixels are refused (item-failed)
     * @param shardSize    inputs per shard when the job is fanned out
     * @param seed         dropout seed when evalMode is false
     * @param fullResolution run the generator on each whole image at its native size (padded to the
     *                     network's multiple) instead of a square canvas; excludes renderSize
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Options(Boolean evalMode, Integer renderSize, Format outputFormat, Integer jpegQuality,
                          Boolean sixteenBit, Long maxPixels, Integer shardSize, Long seed, Boolean fullResolution) {

        /** Square-canvas options (fullResolution unset). */
        public Options(Boolean evalMode, Integer renderSize, Format outputFormat, Integer jpegQuality,
                       Boolean sixteenBit, Long maxPixels, Integer shardSize, Long seed) {
            this(evalMode, renderSize, outputFormat, jpegQuality, sixteenBit, maxPixels, shardSize, seed, null);
        }

        public static Options defaults() {
            return new Options(null, null, null, null, null, null, null, null, null);
        }
    }
}
