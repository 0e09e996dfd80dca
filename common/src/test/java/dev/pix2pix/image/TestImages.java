package dev.pix2pix.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Generated fixtures: small synthetic images, encoded in memory. */
final class TestImages {
    private TestImages() {}

    /** Smooth colour gradient plus seeded noise, so compressed files have real entropy. */
    static FloatImage colourful(int w, int h, long seed) {
        Random rnd = new Random(seed);
        FloatImage img = FloatImage.zeros(3, h, w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.set(0, y, x, clamp((float) x / w + 0.1f * rnd.nextFloat()));
                img.set(1, y, x, clamp((float) y / h + 0.1f * rnd.nextFloat()));
                img.set(2, y, x, clamp(0.5f + 0.4f * (float) Math.sin(x * 0.3 + y * 0.2)));
            }
        }
        return img;
    }

    static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    static byte[] encode(BufferedImage bi, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(bi, format, out)) throw new IOException("no writer for " + format);
        return out.toByteArray();
    }
}
