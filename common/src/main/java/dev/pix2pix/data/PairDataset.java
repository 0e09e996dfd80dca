package dev.pix2pix.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A paired training set. Every file is decoded once when the set is opened (so a corrupt file is
 * reported by name and skipped up front, never mid-run) and kept at load size as RGB bytes, so
 * epochs cost only cropping and flipping.
 */
public final class PairDataset {
    private final List<String> names = new ArrayList<>();
    private final List<byte[]> a = new ArrayList<>();
    private final List<byte[]> b = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final PairSource source;
    private final int loadSize;
    private final int inputNc;
    private final int outputNc;

    /**
     * @param dir the data folder: images (aligned, color) or A/ and B/ sub-folders (folders)
     * @param loadSize side every image is resized to before cropping
     * @param maxImages use at most this many pairs (0 = all), in file-name order
     * @param warn receives one line per skipped file
     */
    public PairDataset(Path dir, Layout layout, Direction direction, int inputNc, int outputNc, int loadSize,
            int maxImages, Consumer<String> warn) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("data folder " + dir + " does not exist");
        }
        this.source = PairSource.of(layout, direction);
        this.loadSize = loadSize;
        this.inputNc = inputNc;
        this.outputNc = outputNc;
        source.checkChannels(inputNc, outputNc);
        List<Path> files = source.list(dir);
        if (files.isEmpty()) {
            throw new IOException("no images found in " + dir + " for layout " + layout.name().toLowerCase());
        }
        for (Path f : files) {
            if (maxImages > 0 && names.size() >= maxImages) {
                break;
            }
            try {
                BufferedImage[] pair = source.read(dir, f);
                a.add(Images.rgbBytes(Images.resize(pair[0], loadSize, loadSize)));
                b.add(Images.rgbBytes(Images.resize(pair[1], loadSize, loadSize)));
                names.add(dir.relativize(f).toString());
            } catch (IOException | RuntimeException e) {
                String line = "skipped " + f + ": " + e.getMessage();
                skipped.add(line);
                warn.accept(line);
            }
        }
        if (names.isEmpty()) {
            throw new IOException("no readable image pairs in " + dir + " (" + skipped.size() + " skipped)");
        }
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    public List<String> skipped() {
        return Collections.unmodifiableList(skipped);
    }

    /** Pair i after jitter and mirror drawn from rnd, normalised to [-1, 1]. */
    public Sample sample(int i, Augment aug, Random rnd) {
        if (aug.loadSize() != loadSize) {
            throw new IllegalArgumentException("dataset was loaded at " + loadSize + ", asked " + aug.loadSize());
        }
        int range = loadSize - aug.cropSize();
        int x = range > 0 ? rnd.nextInt(range + 1) : 0;
        int y = range > 0 ? rnd.nextInt(range + 1) : 0;
        boolean mirror = aug.flip() && rnd.nextBoolean();
        return source.toSample(names.get(i), a.get(i), b.get(i), loadSize, x, y, aug.cropSize(), mirror, inputNc,
                outputNc);
    }

    static List<Path> imagesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Images::isImage)
                    .filter(p -> !startsWithUnderscore(dir, p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Folders starting with '_' hold reports and thumbnails, never data. */
    private static boolean startsWithUnderscore(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
