package dev.pix2pix.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generated aligned pairs for benchmarks (never committed): 512 x 256 JPEGs, a photo-like scene on the
 * left (gradients, shapes, grain) and a flat label map of it on the right, like the facades set.
 * Reused when a folder already holds the requested count.
 */
final class SyntheticPairs {
    private SyntheticPairs() {}

    static Path ensure(Path dir, int count, int threads) throws Exception {
        Path done = dir.resolve(".complete-" + count);
        if (Files.exists(done)) {
            return dir;
        }
        Files.createDirectories(dir);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            var futures = IntStream.range(0, count).mapToObj(i -> pool.submit(() -> {
                Path f = dir.resolve(String.format("%06d.jpg", i));
                if (!Files.exists(f)) {
                    write(pair(i), f);
                }
                return null;
            })).toList();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Files.writeString(done, "ok\n");
        return dir;
    }

    static BufferedImage pair(int seed) {
        Random r = new Random(seed * 7919L + 17);
        BufferedImage img = new BufferedImage(512, 256, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(r.nextInt(0xffffff)), 0, 256, new Color(r.nextInt(0xffffff))));
        g.fillRect(0, 0, 256, 256);
        Color[] labels = {Color.BLUE, Color.RED, Color.YELLOW, Color.GREEN, Color.CYAN, Color.MAGENTA};
        g.setColor(Color.BLUE.darker());
        g.fillRect(256, 0, 256, 256);
        for (int k = 0; k < 14; k++) {
            int x = r.nextInt(220);
            int y = r.nextInt(220);
            int w = 10 + r.nextInt(90);
            int h = 10 + r.nextInt(90);
            g.setColor(new Color(r.nextInt(0xffffff)));
            if (r.nextBoolean()) {
                g.fillRect(x, y, w, h);
            } else {
                g.fillOval(x, y, w, h);
            }
            g.setColor(labels[k % labels.length]);
            g.fillRect(256 + x, y, w, h);
        }
        g.setStroke(new BasicStroke(2f));
        g.setColor(Color.DARK_GRAY);
        for (int k = 0; k < 6; k++) {
            g.drawLine(r.nextInt(256), r.nextInt(256), r.nextInt(256), r.nextInt(256));
        }
        g.dispose();
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                int p = img.getRGB(x, y);
                int n = r.nextInt(21) - 10;
                int red = clamp(((p >> 16) & 0xff) + n);
                int green = clamp(((p >> 8) & 0xff) + n);
                int blue = clamp((p & 0xff) + n);
                img.setRGB(x, y, red << 16 | green << 8 | blue);
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    private static void write(BufferedImage img, Path f) {
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter w = it.next();
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.9f);
            w.setOutput(out);
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            w.dispose();
        }
        try {
            Files.move(tmp, f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
