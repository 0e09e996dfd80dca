package dev.pix2pix.cli;

import dev.pix2pix.data.DataReport;
import dev.pix2pix.data.Preprocessing;
import dev.pix2pix.data.Sample;
import dev.pix2pix.data.Tensors;
import dev.pix2pix.data.TrainingSet;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The training data path before the streaming sets, kept only as bench-data's baseline: every aligned
 * pair decoded with ImageIO when the set is opened, resized with Java2D bicubic to the load size and
 * held in the heap as RGB bytes (about 0.49 MB per pair at 286 px); epochs crop, mirror and normalise.
 */
final class InMemoryBaseline implements TrainingSet {
    private final List<String> names = new ArrayList<>();
    private final List<byte[]> a = new ArrayList<>();
    private final List<byte[]> b = new ArrayList<>();
    private final Preprocessing pre;

    InMemoryBaseline(List<Path> files, Preprocessing pre) throws IOException {
        this.pre = pre;
        int load = pre.loadSize();
        for (Path f : files) {
            BufferedImage ab = toBgr(ImageIO.read(f.toFile()));
            int half = ab.getWidth() / 2;
            a.add(rgb(resize(ab.getSubimage(0, 0, half, ab.getHeight()), load)));
            b.add(rgb(resize(ab.getSubimage(half, 0, half, ab.getHeight()), load)));
            names.add(f.getFileName().toString());
        }
    }

    private static BufferedImage toBgr(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage resize(BufferedImage img, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(img, 0, 0, size, size, null);
        g.dispose();
        return out;
    }

    private static byte[] rgb(BufferedImage img) {
        byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        byte[] out = new byte[bgr.length];
        for (int i = 0; i < bgr.length; i += 3) {
            out[i] = bgr[i + 2];
            out[i + 1] = bgr[i + 1];
            out[i + 2] = bgr[i];
        }
        return out;
    }

    @Override
    public int size() {
        return names.size();
    }

    @Override
    public String name(int index) {
        return names.get(index);
    }

    @Override
    public int inputChannels() {
        return 3;
    }

    @Override
    public int targetChannels() {
        return 3;
    }

    @Override
    public Preprocessing preprocessing() {
        return pre;
    }

    @Override
    public Sample sample(int index, Random rnd) {
        int load = pre.loadSize();
        Preprocessing.Window w = pre.draw(load, load, rnd);
        float[] fa = Tensors.chw(a.get(index), load, w.x(), w.y(), w.width(), w.height(), 3, w.mirror());
        float[] fb = Tensors.chw(b.get(index), load, w.x(), w.y(), w.width(), w.height(), 3, w.mirror());
        return new Sample(names.get(index), fa, fb, w.width(), w.height());
    }

    @Override
    public DataReport report() {
        return new DataReport(names.size(), names.size(), List.of());
    }
}
