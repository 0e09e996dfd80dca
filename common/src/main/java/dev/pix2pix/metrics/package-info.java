/**
 * Evaluation metrics defined exactly as /work/shared/tools/metrics.py (L1, PSNR, SSIM, Lab histogram
 * intersection, colourfulness): {@link dev.pix2pix.metrics.ImageMetrics} per image,
 * {@link dev.pix2pix.metrics.MetricsAccumulator} over a set, {@link dev.pix2pix.metrics.MetricsSummary}
 * with the script's rounded JSON view. Cross-checked against the script in MetricsCrossCheckIT.
 */
package dev.pix2pix.metrics;
