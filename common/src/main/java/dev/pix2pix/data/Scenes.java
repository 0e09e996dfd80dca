package dev.pix2pix.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Procedural colour scenes for the demo and the tests (no external data): a sky gradient, a sun, hills, a
 * textured ground, houses, trees and balloons, each drawn with Java2D from a seed, plus their
 * grayscale (luma) versions. Every colour can be told from the gray image: within each kind of
 * object the palette's entries differ in luma (a day sky is far brighter at the top than a sunset
 * one, grass darker than a dry field, a brick wall darker than a cream one, ...), and kinds differ in
 * shape and place. So a colorizer can learn the colours themselves, not an average of look-alikes.
 */
public final class Scenes {
    /** Top and horizon colours: day (luma 104 -> 206) and sunset (45 -> 171). */
    static final Color[][] SKIES = {
        {new Color(50, 110, 215), new Color(175, 215, 245)},
        {new Color(45, 35, 100), new Color(250, 150, 70)},
    };
    /** Grass (luma 115) and a dry field (180); their hills are darker. */
    static final Color[] GROUNDS = {new Color(70, 150, 50), new Color(205, 180, 110)};
    static final Color[] HILLS = {new Color(45, 110, 40), new Color(165, 140, 80)};
    /** Cream, yellow, light blue, brick (luma 224, 197, 151, 99). */
    static final Color[] WALLS = {
        new Color(235, 225, 190), new Color(240, 200, 70), new Color(110, 160, 215), new Color(185, 65, 45),
    };
    /** Red tiles and slate (luma 84, 48). */
    static final Color[] ROOFS = {new Color(180, 45, 35), new Color(45, 48, 58)};
    /** Red, orange, yellow (luma 92, 153, 200). */
    static final Color[] BALLOONS = {new Color(225, 35, 35), new Color(245, 130, 30), new Color(250, 205, 40)};

    private Scenes() {}

    /**
     * A smooth random ramp (gray or colour) from a seed: cheap inputs for jobs whose pixels do not matter
     * (fault soaks, delivery tests), where a scene's drawing would only cost time.
     */
    public static BufferedImage ramp(long seed, int width, int height, boolean gray) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(width, height, gray ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        int a = r.nextInt(255);
        int b = r.nextInt(255);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = (a + x * 255 / width + y * b / height) & 0xff;
                img.setRGB(x, y, 0xff000000 | v << 16 | (255 - v) << 8 | (v / 2));
            }
        }
        return img;
    }

    /** The image encoded as {@code format} (png, jpg, bmp, ...) by ImageIO. */
    public static byte[] encode(BufferedImage img, String format) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            if (!javax.imageio.ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // into memory: cannot happen
        }
        return out.toByteArray();
    }

    /** A colour scene of {@code width} x {@code height}, fully determined by {@code seed}. */
    public static BufferedImage scene(long seed, int width, int height) {
        Random r = new Random(seed * 7919 + 17);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double w = width, h = height;
        int horizon = (int) (h * (0.5 + 0.2 * r.nextDouble()));

        Color[] sky = SKIES[r.nextInt(10) < 7 ? 0 : 1];
        g.setPaint(new GradientPaint(0, 0, sky[0], 0, horizon, sky[1]));
        g.fillRect(0, 0, width, horizon + 1);

        // sun with a soft glow
        float sx = (float) (w * (0.15 + 0.7 * r.nextDouble()));
        float sy = (float) (horizon * (0.2 + 0.5 * r.nextDouble()));
        float sr = (float) (w * (0.06 + 0.05 * r.nextDouble()));
        g.setPaint(new RadialGradientPaint(sx, sy, sr * 2.5f, new float[] {0f, 0.4f, 1f},
                new Color[] {new Color(255, 250, 210, 255), new Color(255, 230, 140, 140), new Color(255, 230, 140, 0)}));
        g.fill(new Ellipse2D.Float(sx - sr * 2.5f, sy - sr * 2.5f, sr * 5, sr * 5));
        g.setColor(new Color(255, 240, 170));
        g.fill(new Ellipse2D.Float(sx - sr, sy - sr, 2 * sr, 2 * sr));

        // balloons
        int balloons = r.nextInt(3);
        for (int i = 0; i < balloons; i++) {
            float bx = (float) (w * r.nextDouble()), by = (float) (horizon * (0.15 + 0.6 * r.nextDouble()));
            float br = (float) (w * (0.03 + 0.03 * r.nextDouble()));
            g.setColor(BALLOONS[r.nextInt(BALLOONS.length)]);
            g.fill(new Ellipse2D.Float(bx - br, by - br * 1.2f, 2 * br, 2.4f * br));
            g.setColor(new Color(60, 60, 60));
            g.setStroke(new BasicStroke(Math.max(1f, (float) w / 200f)));
            g.drawLine((int) bx, (int) (by + br * 1.2f), (int) bx, (int) (by + br * 2.5f));
        }

        // hills behind the ground: a darker sine silhouette
        int kind = r.nextInt(10) < 7 ? 0 : 1;
        Color ground = GROUNDS[kind];
        Path2D hills = new Path2D.Double();
        hills.moveTo(0, h);
        double amp = h * (0.04 + 0.08 * r.nextDouble()), freq = 1 + 2 * r.nextDouble(), phase = r.nextDouble() * 6.28;
        for (int x = 0; x <= width; x++) {
            hills.lineTo(x, horizon - amp * (1 + Math.sin(phase + freq * 6.28 * x / w)) / 2);
        }
        hills.lineTo(w, h);
        hills.closePath();
        g.setColor(HILLS[kind]);
        g.fill(hills);
        // only slightly darker towards the bottom: grass stays darker than a dry field everywhere
        g.setPaint(new GradientPaint(0, horizon, ground, 0, (float) h, scaled(ground, 0.85)));
        g.fillRect(0, horizon, width, height - horizon);

        // houses and trees standing on the ground
        int things = 1 + r.nextInt(4);
        for (int i = 0; i < things; i++) {
            double x = w * (0.05 + 0.85 * r.nextDouble());
            double base = horizon + (h - horizon) * (0.2 + 0.6 * r.nextDouble());
            double s = w * (0.10 + 0.10 * r.nextDouble()) * (0.6 + 0.8 * (base - horizon) / (h - horizon));
            if (r.nextBoolean()) {
                house(g, r, x, base, s);
            } else {
                tree(g, r, x, base, s);
            }
        }
        g.dispose();
        texture(img, r, 6);
        return img;
    }

    private static void house(Graphics2D g, Random r, double x, double base, double s) {
        int wx = (int) x, wy = (int) (base - s), ww = (int) (s * 1.2), wh = (int) s;
        g.setColor(WALLS[r.nextInt(WALLS.length)]);
        g.fillRect(wx, wy, ww, wh);
        g.setColor(ROOFS[r.nextInt(ROOFS.length)]);
        g.fill(new Polygon(new int[] {wx - (int) (s * 0.1), wx + ww / 2, wx + ww + (int) (s * 0.1)},
                new int[] {wy, wy - (int) (s * 0.6), wy}, 3));
        g.setColor(new Color(90, 140, 200)); // window
        g.fillRect(wx + ww / 5, wy + wh / 4, Math.max(1, ww / 4), Math.max(1, wh / 4));
        g.setColor(new Color(100, 60, 30)); // door
        g.fillRect(wx + ww * 3 / 5, wy + wh / 2, Math.max(1, ww / 5), wh - wh / 2);
    }

    private static void tree(Graphics2D g, Random r, double x, double base, double s) {
        g.setColor(new Color(110, 70, 35));
        g.fillRect((int) (x - s * 0.08), (int) (base - s * 0.6), Math.max(1, (int) (s * 0.16)), (int) (s * 0.6));
        Color leaves = new Color(30 + r.nextInt(40), 110 + r.nextInt(60), 30 + r.nextInt(30));
        g.setColor(leaves);
        g.fill(new Ellipse2D.Double(x - s * 0.45, base - s * 1.4, s * 0.9, s * 0.9));
        g.setColor(leaves.brighter());
        g.fill(new Ellipse2D.Double(x - s * 0.25, base - s * 1.3, s * 0.35, s * 0.35));
    }

    private static Color scaled(Color c, double f) {
        return new Color((int) (c.getRed() * f), (int) (c.getGreen() * f), (int) (c.getBlue() * f));
    }

    /** Mild per-pixel noise, the same on all channels, so the texture survives in gray. */
    private static void texture(BufferedImage img, Random r, int amplitude) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int n = r.nextInt(2 * amplitude + 1) - amplitude;
                int red = clamp(((rgb >> 16) & 255) + n), green = clamp(((rgb >> 8) & 255) + n), blue = clamp((rgb & 255) + n);
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
    }

    /** The 8-bit grayscale (Rec. 601 luma) version of an RGB image. */
    public static BufferedImage gray(BufferedImage rgb) {
        return grayOf(rgb, (r, g, b) -> 0.299 * r + 0.587 * g + 0.114 * b);
    }

    /**
     * The 8-bit gray version that keeps each pixel's Lab lightness ({@link dev.pix2pix.image.Grayscale}, the
     * conversion the workers apply to colour inputs): what a panchromatic black-and-white capture of the scene
     * records, and the L a colorizer is trained on. Rec. 601 luma ({@link #gray}) instead shifts saturated colours'
     * lightness (grass L 55 -> 48, a red balloon 49 -> 39), so a model trained on L sees other lightness than it
     * learned.
     */
    public static BufferedImage grayLightness(BufferedImage rgb) {
        return grayOf(rgb, (r, g, b) -> 255 * dev.pix2pix.image.Lab.grayForL(
                dev.pix2pix.image.Lab.lightness(r / 255.0, g / 255.0, b / 255.0)));
    }

    /** A gray level in [0, 255] from 8-bit red, green and blue. */
    private interface GrayLevel {
        double of(int r, int g, int b);
    }

    private static BufferedImage grayOf(BufferedImage rgb, GrayLevel level) {
        BufferedImage out = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        var raster = out.getRaster();
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                raster.setSample(x, y, 0, clamp((int) Math.round(level.of((p >> 16) & 255, (p >> 8) & 255, p & 255))));
            }
        }
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
