package dev.pix2pix.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CycleGAN's data: the images under A/ and those under B/ of a folder, unrelated and of different counts, each
 * side a {@link PairSet} of single images (its samples' input and target are the same image) with the same
 * decoding, preprocessing and prepared cache as pix2pix's pairs.
 */
public record UnalignedSet(PairSet a, PairSet b) implements AutoCloseable {
    /**
     * @param channelsA channels of domain A (1 or 3; gray files give three equal channels at 3)
     * @param cacheRoot prepared-cache root, or null to decode every epoch
     */
    public static UnalignedSet open(Path root, int channelsA, int channelsB, Preprocessing pre, Path cacheRoot)
            throws IOException {
        for (String side : new String[] {"A", "B"}) {
            if (!Files.isDirectory(root.resolve(side))) {
                throw new IOException("layout unaligned needs folders A/ and B/ under " + root + " (no " + side + "/)");
            }
        }
        return open(DataFiles.folder(root), channelsA, channelsB, pre, cacheRoot);
    }

    /** The same over any set of files (worker-train's S3 copy): those below A/ and those below B/. */
    public static UnalignedSet open(DataFiles files, int channelsA, int channelsB, Preprocessing pre, Path cacheRoot)
            throws IOException {
        PairSet a = side(files.under("A"), channelsA, pre, cacheRoot);
        try {
            return new UnalignedSet(a, side(files.under("B"), channelsB, pre, cacheRoot));
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** Both sides' findings together (B's entries count once drawn). */
    public DataReport report() {
        DataReport ra = a.report();
        DataReport rb = b.report();
        java.util.List<UnusableSample> skipped = new java.util.ArrayList<>(ra.skipped());
        skipped.addAll(rb.skipped());
        return new DataReport(ra.listed() + rb.listed(), ra.usable() + rb.usable(), skipped);
    }

    /** Both sides' file names relative to the set's root (A/..., B/...). */
    public java.util.List<String> fileNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        a.fileNames().forEach(n -> names.add("A/" + n));
        b.fileNames().forEach(n -> names.add("B/" + n));
        return names;
    }

    private static PairSet side(DataFiles dir, int channels, Preprocessing pre, Path cacheRoot) throws IOException {
        PairSet.Builder b = PairSet.builder(dir, Layout.UNALIGNED).channels(channels, channels)
                .preprocessing(pre);
        if (cacheRoot != null) {
            b.preparedCache(cacheRoot);
        }
        return b.open();
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
