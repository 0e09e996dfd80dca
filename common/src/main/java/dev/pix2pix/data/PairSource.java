package dev.pix2pix.data;

import dev.pix2pix.image.DecodeException;
import dev.pix2pix.image.DecodedImage;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.Resize;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How each layout lists its entries, turns an entry's files into prepared (A, B) pixels, and cuts
 * samples from them. Every file goes through the serving path: {@link ImageDecoder} (orientation,
 * truncation and bomb checks, 16-bit), then one antialiased bicubic resize ({@link Resize#bicubic8}: PIL's,
 * as the reference trains), then
 * {@link Tensors}/{@link LabTensors}.
 */
abstract class PairSource {
    /** One training pair: its name, the files it needs (a missing file is null) and their sizes. */
    record Entry(String name, String[] files, long[] sizes, String stamp) {}

    static PairSource of(Layout layout, Direction direction) {
        switch (layout) {
            case ALIGNED:
                return new Aligned(direction);
            case FOLDERS:
                return new Folders(direction);
            case UNALIGNED:
                return new Single();
            case COLOR:
            default:
                return new Color();
        }
    }

    /** Entries sorted by name. */
    abstract List<Entry> entries(List<DataFiles.FileInfo> files);

    /** {A, B} upright, at native size; A is null for the color layout. */
    abstract FloatImage[] read(Entry e, DataFiles files, ImageDecoder decoder) throws UnusableSample;

    void checkChannels(int inputNc, int outputNc) {}

    boolean swap() {
        return false;
    }

    /** Reads an entry and resizes it once to its prepared size. */
    PreparedPair prepare(Entry e, DataFiles files, ImageDecoder decoder, Preprocessing pre) throws UnusableSample {
        FloatImage[] ab = read(e, files, decoder);
        FloatImage b = ab[1];
        Preprocessing.Size sb = pre.prepared(b.width(), b.height());
        byte[] pb = resized(b, sb);
        byte[] pa = null;
        if (ab[0] != null) {
            Preprocessing.Size sa = pre.prepared(ab[0].width(), ab[0].height());
            if (!sa.equals(sb)) {
                throw new UnusableSample(e.name(), UnusableSample.SIZE_MISMATCH, "A prepares to " + sa.width() + "x"
                        + sa.height() + ", B to " + sb.width() + "x" + sb.height() + " (" + pre.mode() + ")");
            }
            pa = resized(ab[0], sa);
        }
        return new PreparedPair(sb.width(), sb.height(), pa, pb);
    }

    private static byte[] resized(FloatImage img, Preprocessing.Size s) {
        FloatImage r = img.width() == s.width() && img.height() == s.height() ? img
                : Resize.bicubic8(img, s.width(), s.height());
        return r.toRgb8();
    }

    /** A sample cut from prepared pixels: window, mirror, channels and normalisation. */
    Sample toSample(String name, PreparedPair p, Preprocessing.Window w, int inputNc, int outputNc) {
        float[] fa = Tensors.chw(p.a(), p.width(), p.height(), w.x(), w.y(), w.width(), w.height(),
                swap() ? outputNc : inputNc, w.mirror());
        float[] fb = Tensors.chw(p.b(), p.width(), p.height(), w.x(), w.y(), w.width(), w.height(),
                swap() ? inputNc : outputNc, w.mirror());
        return swap() ? new Sample(name, fb, fa, w.width(), w.height()) : new Sample(name, fa, fb, w.width(), w.height());
    }

    /** Decodes one file the way serving does; every failure becomes an unusable entry with serving's reason. */
    static DecodedImage decode(Entry en, int k, DataFiles files, ImageDecoder decoder) throws UnusableSample {
        String entry = en.name();
        String file = en.files()[k];
        if (en.sizes()[k] > decoder.limits().maxFileBytes()) {
            throw new UnusableSample(entry, DecodeException.Reason.TOO_LARGE.name(), file + ": file of " + en.sizes()[k]
                    + " bytes exceeds limit " + decoder.limits().maxFileBytes());
        }
        byte[] bytes;
        try {
            bytes = files.read(file);
        } catch (IOException e) {
            throw new UnusableSample(entry, UnusableSample.READ_ERROR, file + ": " + e.getMessage());
        }
        try {
            return decoder.decode(bytes, file);
        } catch (DecodeException e) {
            String prefix = e.reason() + ": " + file + ": ";
            String m = e.getMessage();
            throw new UnusableSample(entry, e.reason().name(), m.startsWith(prefix) ? m.substring(prefix.length()) : m);
        }
    }

    static List<Entry> single(List<DataFiles.FileInfo> files) {
        List<Entry> out = new ArrayList<>(files.size());
        for (DataFiles.FileInfo f : files) {
            out.add(new Entry(f.name(), new String[] {f.name()}, new long[] {f.size()}, f.stamp()));
        }
        return out;
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
        List<Entry> entries(List<DataFiles.FileInfo> files) {
            return single(files);
        }

        @Override
        FloatImage[] read(Entry e, DataFiles files, ImageDecoder decoder) throws UnusableSample {
            FloatImage ab = decode(e, 0, files, decoder).image();
            int half = ab.width() / 2;
            if (half < 1) {
                throw new UnusableSample(e.name(), UnusableSample.TOO_SMALL, "image is too narrow to hold two halves");
            }
            return new FloatImage[] {ab.crop(0, 0, half, ab.height()).toRgb(), ab.crop(half, 0, half, ab.height()).toRgb()};
        }
    }

    /** A/name and B/name. */
    static final class Folders extends Paired {
        Folders(Direction d) {
            super(d);
        }

        @Override
        List<Entry> entries(List<DataFiles.FileInfo> files) {
            Map<String, DataFiles.FileInfo> b = new HashMap<>();
            for (DataFiles.FileInfo f : files) {
                if (f.name().startsWith("B/")) {
                    b.put(f.name().substring(2), f);
                }
            }
            List<Entry> out = new ArrayList<>();
            for (DataFiles.FileInfo f : files) {
                if (f.name().startsWith("A/")) {
                    DataFiles.FileInfo fb = b.get(f.name().substring(2));
                    out.add(new Entry(f.name(), new String[] {f.name(), fb == null ? null : fb.name()},
                            new long[] {f.size(), fb == null ? 0 : fb.size()}, f.stamp() + "|" + (fb == null ? "-" : fb.stamp())));
                }
            }
            if (out.isEmpty() && !files.isEmpty()) {
                throw new IllegalArgumentException("layout folders needs images under A/ and B/");
            }
            return out;
        }

        @Override
        FloatImage[] read(Entry e, DataFiles files, ImageDecoder decoder) throws UnusableSample {
            if (e.files()[1] == null) {
                throw new UnusableSample(e.name(), UnusableSample.MISSING_PAIR, "no matching B/" + e.name().substring(2));
            }
            return new FloatImage[] {
                decode(e, 0, files, decoder).image().toRgb(),
                decode(e, 1, files, decoder).image().toRgb()
            };
        }
    }

    /** Colour photos: B is the photo, A unused; samples are L -> ab. Photos that are already gray are skipped. */
    static final class Color extends PairSource {
        @Override
        List<Entry> entries(List<DataFiles.FileInfo> files) {
            return single(files);
        }

        @Override
        void checkChannels(int inputNc, int outputNc) {
            if (inputNc != 1 || outputNc != 2) {
                throw new IllegalArgumentException(
                        "layout color trains L -> ab: --input-nc 1 --output-nc 2 (got " + inputNc + " -> " + outputNc + ")");
            }
        }

        @Override
        FloatImage[] read(Entry e, DataFiles files, ImageDecoder decoder) throws UnusableSample {
            DecodedImage d = decode(e, 0, files, decoder);
            if (d.isGray()) {
                throw new UnusableSample(e.name(), UnusableSample.GRAYSCALE, "the photo is already gray ("
                        + (d.image().channels() == 1 ? "gray file" : "RGB channels agree") + ")");
            }
            return new FloatImage[] {null, d.image()};
        }

        @Override
        Sample toSample(String name, PreparedPair p, Preprocessing.Window w, int inputNc, int outputNc) {
            float[][] lab = LabTensors.fromRgb(p.b(), p.width(), p.height(), w.x(), w.y(), w.width(), w.height(),
                    w.mirror());
            return new Sample(name, lab[0], lab[1], w.width(), w.height());
        }
    }

    /** One side of an unaligned set: each file one image, its sample's input and target both that image. */
    static final class Single extends PairSource {
        @Override
        List<Entry> entries(List<DataFiles.FileInfo> files) {
            return single(files);
        }

        @Override
        void checkChannels(int inputNc, int outputNc) {
            if (inputNc != outputNc || (inputNc != 1 && inputNc != 3)) {
                throw new IllegalArgumentException("one side of an unaligned set has 1 or 3 channels, got " + inputNc);
            }
        }

        @Override
        FloatImage[] read(Entry e, DataFiles files, ImageDecoder decoder) throws UnusableSample {
            return new FloatImage[] {null, decode(e, 0, files, decoder).image().toRgb()};
        }

        @Override
        Sample toSample(String name, PreparedPair p, Preprocessing.Window w, int inputNc, int outputNc) {
            float[] x = Tensors.chw(p.b(), p.width(), p.height(), w.x(), w.y(), w.width(), w.height(), inputNc, w.mirror());
            return new Sample(name, x, x, w.width(), w.height());
        }
    }
}
