package dev.pix2pix.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a model was trained on.
 *
 * @param layout aligned | folders | color
 * @param direction AtoB | BtoA (null for color)
 * @param source where the data came from (folder or URI), for provenance
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DataSpec(String layout, String direction, String source) {}
