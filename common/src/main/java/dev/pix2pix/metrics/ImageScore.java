package dev.pix2pix.metrics;

/** Metrics of one (fake, real) pair, full precision. */
public record ImageScore(String id, double l1, double mse, double psnr, double ssim,
                         double colorfulnessFake, double colorfulnessReal) {}
