package dev.pix2pix.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Set-level metrics, full precision; {@link #toJson()} gives the rounded view metrics.py prints
 * (L1 4, PSNR 3, SSIM 4, histogram 4, colourfulness 2 decimals) with the same keys.
 *
 * @param perImage per-pair scores in insertion order (for best/worst-k galleries)
 */
public record MetricsSummary(int count, double l1, double psnr, double ssim, LabIntersection labHistIntersection,
                             double colorfulnessFake, double colorfulnessReal, List<ImageScore> perImage) {

    public MetricsSummary {
        perImage = List.copyOf(perImage);
    }

    /** The k pairs with the lowest L1. */
    public List<ImageScore> best(int k) {
        return perImage.stream().sorted(Comparator.comparingDouble(ImageScore::l1)).limit(k).toList();
    }

    /** The k pairs with the highest L1. */
    public List<ImageScore> worst(int k) {
        return perImage.stream().sorted(Comparator.comparingDouble(ImageScore::l1).reversed()).limit(k).toList();
    }

    /** Same JSON object (keys, order, rounding) as metrics.py. */
    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"count\": %d, \"L1\": %s, \"PSNR\": %s, \"SSIM\": %s, \"labHistIntersection\": "
                        + "{\"L\": %s, \"a\": %s, \"b\": %s}, \"colorfulnessFake\": %s, \"colorfulnessReal\": %s}",
                count, num(l1, 4), num(psnr, 3), num(ssim, 4), num(labHistIntersection.l(), 4),
                num(labHistIntersection.a(), 4), num(labHistIntersection.b(), 4),
                num(colorfulnessFake, 2), num(colorfulnessReal, 2));
    }

    /**
     * Python's round(x, digits): the exact binary value rounded half-even (so 0.125 -> 0.12 but
     * 0.15 -> 0.1 since 0.15 is really 0.1499...).
     */
    public static double round(double x, int digits) {
        if (Double.isNaN(x) || Double.isInfinite(x)) return x;
        return new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
    }

    private static String num(double x, int digits) {
        if (Double.isNaN(x)) return "NaN"; // what Python's json.dumps writes
        double r = round(x, digits);
        return r == Math.rint(r) && Math.abs(r) < 1e15 ? String.format(Locale.ROOT, "%.1f", r) : Double.toString(r);
    }
}
