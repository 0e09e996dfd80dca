package dev.pix2pix.data;

/**
 * One training pair after preprocessing, channels-first and normalised to [-1, 1] (the one place
 * where image normalisation is decided is {@link Tensors}).
 *
 * @param name source file, for error messages and reports
 * @param input [inputNc * size * size]
 * @param target [outputNc * size * size]
 */
public record Sample(String name, float[] input, float[] target) {}
