package dev.pix2pix.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedCacheTest {
    static final Preprocessing AT_32 = new Preprocessing(Preprocess.RESIZE_AND_CROP, 36, 32, true, 1);

    @TempDir
    Path tmp;
    Path data;
    Path cache;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void files() throws Exception {
        data = tmp.resolve("data");
        cache = tmp.resolve("cache");
        for (int i = 0; i < 4; i++) {
            SetFiles.png(data.resolve(i + ".png"), SetFiles.image(64, 32, i));
        }
        Files.write(data.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    PairSet open(SetFiles.Counting files, Preprocessing p) throws Exception {
        return PairSet.builder(files, Layout.ALIGNED).preprocessing(p).preparedCache(cache).warnings(warnings::add).open();
    }

    /** Every entry's sample (null for unusable ones) with fixed jitter. */
    static List<float[]> samples(PairSet set) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            try {
                out.add(set.sample(i, new Random(100 + i)).input());
            } catch (UnusableSample u) {
                out.add(null);
            }
        }
        return out;
    }

    static void assertSame(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "entry " + i);
        }
    }

    @Test
    void aSecondRunDecodesNothingAndGetsTheSameSamples() throws Exception {
        SetFiles.Counting files = new SetFiles.Counting(data);
        List<float[]> first;
        try (PairSet set = open(files, AT_32)) {
            first = samples(set);
            assertEquals(5, files.reads.get());
            samples(set);
            assertEquals(5, files.reads.get(), "a later epoch reads nothing");
        }
        SetFiles.Counting again = new SetFiles.Counting(data);
        try (PairSet set = open(again, AT_32)) {
            assertSame(first, samples(set));
            assertEquals(0, again.reads.get(), "neither the images nor the broken file are read again");
            assertEquals(1, set.report().unreadable(), "the broken one is still reported");
        }
        List<float[]> uncached;
        try (PairSet set = PairSet.builder(new SetFiles.Counting(data), Layout.ALIGNED).preprocessing(AT_32).open()) {
            uncached = samples(set);
        }
        assertSame(first, uncached);
    }

    @Test
    void aChangedFileOrETagIsPreparedAgain() throws Exception {
        try (PairSet set = open(new SetFiles.Counting(data), AT_32)) {
            samples(set);
        }
        SetFiles.png(data.resolve("1.png"), SetFiles.image(64, 32, 9));
        Files.setLastModifiedTime(data.resolve("1.png"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        SetFiles.Counting files = new SetFiles.Counting(data);
        List<float[]> changed;
        try (PairSet set = open(files, AT_32)) {
            changed = samples(set);
            assertEquals(1, files.reads.get(), "only the changed file");
        }
        try (PairSet set = PairSet.builder(new SetFiles.Counting(data), Layout.ALIGNED).preprocessing(AT_32).open()) {
            assertSame(samples(set), changed);
        }
        // the same bytes under a new ETag (worker-train's stamp): prepared again
        SetFiles.Counting etag = new SetFiles.Counting(data);
        etag.stamps.put("2.png", "etag-2");
        try (PairSet set = open(etag, AT_32)) {
            samples(set);
            assertEquals(1, etag.reads.get());
        }
    }

    @Test
    void anotherPreprocessingHasItsOwnFolder() throws Exception {
        try (PairSet set = open(new SetFiles.Counting(data), AT_32)) {
            samples(set);
        }
        Preprocessing other = new Preprocessing(Preprocess.RESIZE_AND_CROP, 40, 32, true, 1);
        assertNotEquals(PreparedCache.folderFor(cache, data.toAbsolutePath().toString(), Layout.ALIGNED, AT_32),
                PreparedCache.folderFor(cache, data.toAbsolutePath().toString(), Layout.ALIGNED, other));
        SetFiles.Counting files = new SetFiles.Counting(data);
        try (PairSet set = open(files, other)) {
            samples(set);
            assertEquals(5, files.reads.get());
            assertTrue(set.cache().dir().getFileName().toString().startsWith("aligned-resize_and_crop-40-"),
                    set.cache().dir()::toString);
        }
        SetFiles.Counting back = new SetFiles.Counting(data);
        try (PairSet set = open(back, AT_32)) {
            samples(set);
            assertEquals(0, back.reads.get(), "the first folder is still there");
        }
    }

    @Test
    void aDamagedRecordOrACutIndexLineIsPreparedAgain() throws Exception {
        List<float[]> first;
        Path dir;
        try (PairSet set = open(new SetFiles.Counting(data), AT_32)) {
            first = samples(set);
            dir = set.cache().dir();
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(PreparedCache.PACK), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), 100); // inside the first record
        }
        SetFiles.Counting files = new SetFiles.Counting(data);
        try (PairSet set = open(files, AT_32)) {
            assertSame(first, samples(set));
            assertEquals(1, files.reads.get(), "the damaged record's file only");
            assertTrue(warnings.stream().anyMatch(w -> w.contains("damaged")), warnings::toString);
        }
        // a crash in the middle of an index line: the line is ignored, the entry prepared again
        byte[] index = Files.readAllBytes(dir.resolve(PreparedCache.INDEX));
        Files.write(dir.resolve(PreparedCache.INDEX), java.util.Arrays.copyOf(index, index.length - 10));
        warnings.clear();
        SetFiles.Counting cut = new SetFiles.Counting(data);
        try (PairSet set = open(cut, AT_32)) {
            assertSame(first, samples(set));
            assertEquals(1, cut.reads.get());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("damaged index line")), warnings::toString);
        }
        // and the index is whole again afterwards
        SetFiles.Counting later = new SetFiles.Counting(data);
        try (PairSet set = open(later, AT_32)) {
            samples(set);
            assertEquals(0, later.reads.get());
        }
    }

    @Test
    void aFolderInUseIsNotSharedTheSecondSetDecodesInstead() throws Exception {
        try (PairSet first = open(new SetFiles.Counting(data), AT_32)) {
            assertTrue(first.cache() != null);
            try (PairSet second = open(new SetFiles.Counting(data), AT_32)) {
                assertNull(second.cache());
                assertTrue(warnings.stream().anyMatch(w -> w.contains("in use")), warnings::toString);
                samples(second);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new PreparedPair(2, 2, null, new byte[5]));
    }

    @Test
    void indexLinesRoundTripAwkwardNames() {
        String name = "a\tb\\c\nd.png";
        assertEquals(name, PreparedCache.unesc(PreparedCache.esc(name)));
        assertNull(PreparedCache.parse("O\tx\t1\t0\t2\t2\t0\tff\t00000000"), "line CRC mismatch");
    }
}
