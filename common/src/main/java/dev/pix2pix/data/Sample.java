package dev.pix2pix.data;

/**
 * One training pair after preprocessing, channels-first and normalised to [-1, 1] (the one place
 * where image normalisation is decided is {@link Tensors}).
 *
 * @param name source file, for error messages and reports
 * @param input [inputNc * height * width]
 * @param target [outputNc * height * width]
 * @param width sample width (the crop size in the crop modes)
 * @param height sample height
 */
public record Sample(String name, float[] input, float[] target, int width, int height) {}
