package dev.pix2pix.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How each layout turns files into (A, B) images and crops into samples. */
abstract class PairSource {
    static PairSource of(Layout layout, Direction direction) {
        switch (layout) {
            case ALIGNED:
                return new Aligned(direction);
            case FOLDERS:
                return new Folders(direction);
            case COLOR:
            default:
                return new Color();
        }
    }

    abstract List<Path> list(Path dir);

    /** {A, B} as 8-bit RGB images. */
    abstract BufferedImage[] read(Path root, Path file) throws IOException;

    void checkChannels(int inputNc, int outputNc) {}

    Sample toSample(String name, byte[] a, byte[] b, int stride, int x, int y, int crop, boolean mirror, int inputNc,
            int outputNc) {
        float[] fa = Tensors.chw(a, stride, x, y, crop, crop, swap() ? outputNc : inputNc, mirror);
        float[] fb = Tensors.chw(b, stride, x, y, crop, crop, swap() ? inputNc : outputNc, mirror);
        return swap() ? new Sample(name, fb, fa) : new Sample(name, fa, fb);
    }

    boolean swap() {
        return false;
    }

    private abstract static class Paired extends PairSource {
        final Direction direction;

        Paired(Direction direction) {
            this.direction = direction;
        }

        @Override
        boolean swap() {
            return direction == Direction.BTOA;
        }
    }

    /** One file, A on the left half, B on the right. */
    static final class Aligned extends Paired {
        Aligned(Direction d) {
            super(d);
        }

        @Override
        List<Path> list(Path dir) {
            return PairDataset.imagesUnder(dir);
        }

        @Override
        BufferedImage[] read(Path root, Path file) throws IOException {
            BufferedImage ab = Images.readRgb(file);
            int half = ab.getWidth() / 2;
            if (half < 1) {
                throw new IOException("image is too narrow to hold two halves");
            }
            return new BufferedImage[] {
                Images.crop(ab, 0, 0, half, ab.getHeight()), Images.crop(ab, half, 0, half, ab.getHeight())
            };
        }
    }

    /** A/name and B/name. */
    static final class Folders extends Paired {
        Folders(Direction d) {
            super(d);
        }

        @Override
        List<Path> list(Path dir) {
            Path a = dir.resolve("A");
            if (!Files.isDirectory(a) || !Files.isDirectory(dir.resolve("B"))) {
                throw new IllegalArgumentException("layout folders needs " + a + " and " + dir.resolve("B"));
            }
            return new ArrayList<>(PairDataset.imagesUnder(a));
        }

        @Override
        BufferedImage[] read(Path root, Path fileA) throws IOException {
            Path rel = root.resolve("A").relativize(fileA);
            Path fileB = root.resolve("B").resolve(rel);
            if (!Files.exists(fileB)) {
                throw new IOException("no matching B/" + rel);
            }
            return new BufferedImage[] {Images.readRgb(fileA), Images.readRgb(fileB)};
        }
    }

    /** Colour photos: B is the photo, A unused; samples are L -> ab. */
    static final class Color extends PairSource {
        @Override
        List<Path> list(Path dir) {
            return PairDataset.imagesUnder(dir);
        }

        @Override
        void checkChannels(int inputNc, int outputNc) {
            if (inputNc != 1 || outputNc != 2) {
                throw new IllegalArgumentException(
                        "layout color trains L -> ab: --input-nc 1 --output-nc 2 (got " + inputNc + " -> " + outputNc + ")");
            }
        }

        @Override
        BufferedImage[] read(Path root, Path file) throws IOException {
            BufferedImage img = Images.readRgb(file);
            return new BufferedImage[] {img, img};
        }

        @Override
        Sample toSample(String name, byte[] a, byte[] b, int stride, int x, int y, int crop, boolean mirror,
                int inputNc, int outputNc) {
            float[][] lab = LabTensors.fromRgb(b, stride, x, y, crop, crop, mirror);
            return new Sample(name, lab[0], lab[1]);
        }
    }
}
