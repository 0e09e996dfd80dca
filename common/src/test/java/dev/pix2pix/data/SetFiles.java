package dev.pix2pix.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/** Small image files for the data tests, and a folder view that counts reads. */
final class SetFiles {
    private SetFiles() {}

    /** A colourful deterministic image. */
    static BufferedImage image(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / Math.max(1, w - 1) + seed * 37) & 0xff;
                int g = (y * 255 / Math.max(1, h - 1) + seed * 11) & 0xff;
                int b = ((x ^ y) * 7 + seed * 53) & 0xff;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    static Path png(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** A folder's files, counting reads per name; stamps can be overridden (an S3 ETag that changed). */
    static final class Counting implements DataFiles {
        final DataFiles inner;
        final AtomicInteger reads = new AtomicInteger();
        final Map<String, String> stamps = new ConcurrentHashMap<>();

        Counting(Path dir) {
            this.inner = DataFiles.folder(dir);
        }

        @Override
        public String identity() {
            return inner.identity();
        }

        @Override
        public List<FileInfo> list() throws IOException {
            return inner.list().stream().map(f -> stamps.containsKey(f.name())
                    ? new FileInfo(f.name(), f.size(), stamps.get(f.name())) : f).toList();
        }

        @Override
        public byte[] read(String name) throws IOException {
            reads.incrementAndGet();
            return inner.read(name);
        }
    }
}
