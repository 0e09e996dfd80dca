package dev.pix2pix.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code model.json} of a model folder: enough to translate with nothing else.
 *
 * @param format folder format tag
 * @param spec architecture
 * @param task translate (RGB/gray in, image out) or colorize (L in, ab out)
 * @param layout training layout (aligned | folders | color)
 * @param direction AtoB | BtoA (null for colorize)
 * @param size crop size the model was trained at
 * @param epochs epochs trained
 * @param iterations iterations trained
 * @param codeVersion version of the code that wrote it
 * @param createdAt ISO-8601 time
 * @param source training data provenance, or the imported file
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelInfo(String format, ModelSpec spec, String task, String layout, String direction, int size,
        int epochs, long iterations, String codeVersion, String createdAt, String source) {
    public static final String FORMAT = "pix2pix-workers/1";

    public boolean colorize() {
        return "colorize".equals(task);
    }
}
