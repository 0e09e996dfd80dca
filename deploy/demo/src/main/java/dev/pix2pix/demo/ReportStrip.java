package dev.pix2pix.demo;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A small overview of the report: one column per test scene, rows grayscale input, colorized output and
 * ground truth, each tile scaled to the same side (what the README shows).
 */
public final class ReportStrip {
    /** Gap between tiles, in pixels. */
    static final int GAP = 2;

    private ReportStrip() {}

    /**
     * @param columns per scene {input, output, truth}; a missing output (null) leaves its tile gray-blank
     * @param side tile side in pixels
     */
    public static BufferedImage draw(List<BufferedImage[]> columns, int side) {
        int n = columns.size();
        BufferedImage strip = new BufferedImage(n * side + (n + 1) * GAP, 3 * side + 4 * GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = strip.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, strip.getWidth(), strip.getHeight());
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        for (int c = 0; c < n; c++) {
            for (int r = 0; r < 3; r++) {
                int x = GAP + c * (side + GAP), y = GAP + r * (side + GAP);
                BufferedImage tile = columns.get(c)[r];
                if (tile == null) {
                    g.setColor(Color.LIGHT_GRAY);
                    g.fillRect(x, y, side, side);
                } else {
                    g.drawImage(tile, x, y, side, side, null);
                }
            }
        }
        g.dispose();
        return strip;
    }
}
