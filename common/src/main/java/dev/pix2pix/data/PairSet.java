package dev.pix2pix.data;

import dev.pix2pix.image.DecodeLimits;
import dev.pix2pix.image.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

/**
 * A paired (aligned, folders) or colour training set that streams: opening it lists the files
 * (names, sizes, stamps) and nothing else; an entry is decoded and resized the first time a sample
 * of it is asked for and, with a prepared cache, kept there at its prepared size, so later epochs
 * and later runs only crop, mirror and normalise. Memory does not grow with the number of entries
 * beyond their names. Thread-safe: samples are prepared on the loader's threads.
 */
public final class PairSet implements TrainingSet {
    private static final int UNKNOWN = 0;
    private static final int USABLE = 1;
    private static final int UNUSABLE = 2;

    private final DataFiles files;
    private final PairSource source;
    private final List<PairSource.Entry> entries;
    private final Preprocessing pre;
    private final int inputNc;
    private final int outputNc;
    private final ImageDecoder decoder;
    private final PreparedCache cache;
    private final Consumer<String> warn;
    private final AtomicIntegerArray state;
    private final AtomicInteger usable = new AtomicInteger();
    private final ConcurrentLinkedQueue<UnusableSample> skipped = new ConcurrentLinkedQueue<>();

    private PairSet(Builder b, List<PairSource.Entry> entries, PreparedCache cache) {
        this.files = b.files;
        this.source = b.source;
        this.entries = entries;
        this.pre = b.pre;
        this.inputNc = b.inputNc;
        this.outputNc = b.outputNc;
        this.decoder = b.decoder;
        this.cache = cache;
        this.warn = b.warn;
        this.state = new AtomicIntegerArray(entries.size());
    }

    public static Builder builder(DataFiles files, Layout layout) {
        return new Builder(files, layout);
    }

    /** How a set is opened; everything but the files and the layout has a default. */
    public static final class Builder {
        private final DataFiles files;
        private final Layout layout;
        private Direction direction = Direction.ATOB;
        private PairSource source;
        private Integer inputNc;
        private Integer outputNc;
        private Preprocessing pre = new Preprocessing(Preprocess.RESIZE_AND_CROP, 286, 256, true, 1);
        private int maxImages;
        private long subsetSeed;
        private Path cacheRoot;
        private ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
        private Consumer<String> warn = w -> {};

        private Builder(DataFiles files, Layout layout) {
            this.files = Objects.requireNonNull(files);
            this.layout = Objects.requireNonNull(layout);
        }

        public Builder direction(Direction d) {
            this.direction = d;
            return this;
        }

        public Builder channels(int input, int output) {
            this.inputNc = input;
            this.outputNc = output;
            return this;
        }

        public Builder preprocessing(Preprocessing p) {
            this.pre = p;
            return this;
        }

        /** At most {@code n} entries (0 = all), a random subset drawn from {@code seed}. */
        public Builder maxImages(int n, long seed) {
            this.maxImages = n;
            this.subsetSeed = seed;
            return this;
        }

        /** Keep prepared entries under this folder (null: decode every time). */
        public Builder preparedCache(Path root) {
            this.cacheRoot = root;
            return this;
        }

        public Builder decoder(ImageDecoder d) {
            this.decoder = d;
            return this;
        }

        /** Receives one line per unusable entry (when it is found) and cache problems. */
        public Builder warnings(Consumer<String> w) {
            this.warn = w;
            return this;
        }

        public PairSet open() throws IOException {
            source = PairSource.of(layout, direction);
            boolean color = layout == Layout.COLOR;
            int in = inputNc != null ? inputNc : color ? 1 : 3;
            int out = outputNc != null ? outputNc : color ? 2 : 3;
            inputNc = in;
            outputNc = out;
            source.checkChannels(in, out);
            List<PairSource.Entry> all = source.entries(files.list());
            if (all.isEmpty()) {
                throw new IOException("no images found in " + files.identity() + " for layout "
                        + layout.name().toLowerCase(java.util.Locale.ROOT));
            }
            List<PairSource.Entry> chosen = subset(all, maxImages, subsetSeed);
            PreparedCache cache = null;
            if (cacheRoot != null) {
                Path dir = PreparedCache.folderFor(cacheRoot, files.identity(), layout, pre);
                try {
                    cache = PreparedCache.open(dir, warn);
                } catch (PreparedCache.BusyException e) {
                    warn.accept(e.getMessage() + ": decoding every epoch instead");
                }
            }
            return new PairSet(this, chosen, cache);
        }
    }

    /** At most n of the entries, drawn at random from the seed (a partial Fisher-Yates), kept in name order. */
    static List<PairSource.Entry> subset(List<PairSource.Entry> all, int n, long seed) {
        if (n <= 0 || n >= all.size()) {
            return all;
        }
        int[] idx = new int[all.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + 0x6d61785f696d67L);
        for (int i = 0; i < n; i++) {
            int j = i + r.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        int[] pick = Arrays.copyOf(idx, n);
        Arrays.sort(pick);
        List<PairSource.Entry> out = new ArrayList<>(n);
        for (int i : pick) {
            out.add(all.get(i));
        }
        return out;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public String name(int index) {
        return entries.get(index).name();
    }

    @Override
    public int inputChannels() {
        return inputNc;
    }

    @Override
    public int targetChannels() {
        return outputNc;
    }

    @Override
    public Preprocessing preprocessing() {
        return pre;
    }

    /** The files the entries read (for a downloader that should fetch only these). */
    public List<String> fileNames() {
        List<String> out = new ArrayList<>();
        for (PairSource.Entry e : entries) {
            for (String f : e.files()) {
                if (f != null) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** The prepared cache in use (null when decoding every time). */
    public PreparedCache cache() {
        return cache;
    }

    @Override
    public Sample sample(int index, Random rnd) throws UnusableSample {
        PairSource.Entry e = entries.get(index);
        PreparedPair p = prepared(index, e);
        Preprocessing.Window w = pre.draw(p.width(), p.height(), rnd);
        return source.toSample(e.name(), p, w, inputNc, outputNc);
    }

    @Override
    public boolean usable(int index) {
        int s = state.get(index);
        if (s != UNKNOWN) {
            return s == USABLE;
        }
        PairSource.Entry e = entries.get(index);
        PreparedCache.Known k = cache == null ? null : cache.lookup(e.name(), e.stamp());
        if (k != null) {
            if (!k.usable()) {
                unusable(index, new UnusableSample(e.name(), k.reason(), k.detail()));
                return false;
            }
            markUsable(index);
            return true;
        }
        try {
            prepared(index, e);
            return true;
        } catch (UnusableSample u) {
            return false;
        }
    }

    /** The entry's prepared pixels: from the cache, or decoded and resized now (and cached). */
    private PreparedPair prepared(int index, PairSource.Entry e) throws UnusableSample {
        if (cache != null) {
            PreparedCache.Known k = cache.lookup(e.name(), e.stamp());
            if (k != null && !k.usable()) {
                throw unusable(index, new UnusableSample(e.name(), k.reason(), k.detail()));
            }
            if (k != null) {
                PreparedPair p = cache.read(e.name(), k);
                if (p != null) {
                    markUsable(index);
                    return p;
                }
            }
        }
        PreparedPair p;
        try {
            p = source.prepare(e, files, decoder, pre);
        } catch (UnusableSample u) {
            // a read error may be passing (a download that failed): not remembered across runs
            if (cache != null && !UnusableSample.READ_ERROR.equals(u.reason())) {
                cache.putUnusable(e.name(), e.stamp(), u.reason(), u.detail());
            }
            throw unusable(index, u);
        }
        if (cache != null) {
            cache.put(e.name(), e.stamp(), p);
        }
        markUsable(index);
        return p;
    }

    private void markUsable(int index) {
        if (state.compareAndSet(index, UNKNOWN, USABLE)) {
            usable.incrementAndGet();
        }
    }

    private UnusableSample unusable(int index, UnusableSample u) {
        if (state.compareAndSet(index, UNKNOWN, UNUSABLE)) {
            skipped.add(u);
            warn.accept("skipped " + u.name() + ": " + u.reason() + ": " + u.detail());
        }
        return u;
    }

    @Override
    public DataReport report() {
        return new DataReport(entries.size(), usable.get(), List.copyOf(skipped));
    }

    @Override
    public void close() {
        if (cache != null) {
            try {
                cache.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
