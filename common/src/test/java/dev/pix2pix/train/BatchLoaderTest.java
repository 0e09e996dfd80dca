package dev.pix2pix.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pix2pix.data.DataFiles;
import dev.pix2pix.data.DataReport;
import dev.pix2pix.data.Layout;
import dev.pix2pix.data.PairSet;
import dev.pix2pix.data.Preprocess;
import dev.pix2pix.data.Preprocessing;
import dev.pix2pix.data.Sample;
import dev.pix2pix.data.TrainingSet;
import dev.pix2pix.data.UnusableSample;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {
    /** Samples that show which entry they are and what jitter they drew; some entries are unusable. */
    static class Marked implements TrainingSet {
        final int n;
        final Set<Integer> bad;
        final ConcurrentLinkedQueue<UnusableSample> skipped = new ConcurrentLinkedQueue<>();

        Marked(int n, Set<Integer> bad) {
            this.n = n;
            this.bad = bad;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public String name(int index) {
            return "e" + index;
        }

        @Override
        public int inputChannels() {
            return 1;
        }

        @Override
        public int targetChannels() {
            return 1;
        }

        @Override
        public Preprocessing preprocessing() {
            return new Preprocessing(Preprocess.RESIZE_AND_CROP, 1, 1, false, 1);
        }

        @Override
        public Sample sample(int index, Random rnd) throws UnusableSample {
            if (bad.contains(index)) {
                UnusableSample u = new UnusableSample(name(index), "CORRUPT", "test");
                skipped.add(u);
                throw u;
            }
            return new Sample(name(index), new float[] {index}, new float[] {rnd.nextInt(1000)}, 1, 1);
        }

        @Override
        public DataReport report() {
            return new DataReport(n, 0, List.copyOf(skipped));
        }
    }

    static List<BatchLoader.Batch> epoch(TrainingSet data, int epoch, long from, int threads, boolean serial, int batch)
            throws Exception {
        try (BatchLoader l = new BatchLoader(data, 42, batch, serial, threads)) {
            l.startEpoch(epoch, from);
            List<BatchLoader.Batch> out = new ArrayList<>();
            for (BatchLoader.Batch b; (b = l.take()) != null; ) {
                out.add(b);
            }
            assertNull(l.take());
            return out;
        }
    }

    static void assertSameBatches(List<BatchLoader.Batch> a, List<BatchLoader.Batch> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).input(), b.get(i).input(), "batch " + i);
            assertArrayEquals(a.get(i).target(), b.get(i).target(), "batch " + i);
        }
    }

    @Test
    void unusableEntriesAreLeftOutAndTheNextOnesFillTheBatch() throws Exception {
        Marked data = new Marked(23, Set.of(0, 5, 6, 17));
        List<BatchLoader.Batch> batches = epoch(data, 3, 0, 2, false, 4);
        assertEquals(5, batches.size(), "19 usable entries in batches of 4");
        assertEquals(3, batches.get(4).size());
        List<Integer> seen = new ArrayList<>();
        for (BatchLoader.Batch b : batches) {
            for (float f : b.input()) {
                seen.add((int) f);
            }
        }
        int[] order = BatchLoader.permutation(23, new Random(42 * 1_000_003L + 3));
        List<Integer> expect = new ArrayList<>();
        for (int i : order) {
            if (!data.bad.contains(i)) {
                expect.add(i);
            }
        }
        assertEquals(expect, seen, "the epoch's permutation, unusable entries left out");
        // each sample's jitter comes from (seed, epoch, index) alone
        float jitter = new Random((42 * 31 + 3) * 1_000_003L + expect.get(0)).nextInt(1000);
        assertEquals(jitter, batches.get(0).target()[0]);
    }

    @Test
    void aResumedEpochSeesExactlyTheRemainingBatchesWhateverTheThreads() throws Exception {
        Marked data = new Marked(40, Set.of(1, 2, 3, 30, 31));
        List<BatchLoader.Batch> full = epoch(data, 2, 0, 1, false, 3);
        for (int threads : new int[] {1, 2, 5}) {
            assertSameBatches(full, epoch(data, 2, 0, threads, false, 3));
            for (int from : new int[] {1, 4, 11}) {
                assertSameBatches(full.subList(from, full.size()), epoch(data, 2, from, threads, false, 3));
            }
        }
        assertTrue(epoch(data, 2, full.size(), 2, false, 3).isEmpty());
    }

    @Test
    void serialBatchesTakeTheEntriesInOrder() throws Exception {
        Marked data = new Marked(7, Set.of(2));
        List<BatchLoader.Batch> b = epoch(data, 5, 0, 3, true, 2);
        assertArrayEquals(new float[] {0, 1}, b.get(0).input());
        assertArrayEquals(new float[] {3, 4}, b.get(1).input());
        assertArrayEquals(new float[] {5, 6}, b.get(2).input());
        assertEquals(3, b.size());
    }

    @Test
    void aBatchOfDifferentSizesIsRefusedByName() throws Exception {
        TrainingSet mixed = new Marked(4, Set.of()) {
            @Override
            public Sample sample(int index, Random rnd) {
                int w = index % 2 == 0 ? 2 : 4;
                return new Sample(name(index), new float[w], new float[w], w, 1);
            }
        };
        try (BatchLoader l = new BatchLoader(mixed, 1, 2, true, 1)) {
            l.startEpoch(1, 0);
            IllegalStateException e = assertThrows(IllegalStateException.class, l::take);
            assertTrue(e.getMessage().contains("e0") && e.getMessage().contains("--batch 1"), e.getMessage());
        }
    }

    @Test
    void theStreamingSetResumesExactlyWithItsPreparedCache(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        for (int i = 0; i < 14; i++) {
            BufferedImage img = new BufferedImage(48, 24, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 24; y++) {
                for (int x = 0; x < 48; x++) {
                    img.setRGB(x, y, (x * 5 + i * 17) << 16 | (y * 9) << 8 | ((x + y + i) * 3 & 0xff));
                }
            }
            ImageIO.write(img, "png", dir.resolve(String.format("%02d.png", i)).toFile());
        }
        Files.write(dir.resolve("03.png"), new byte[] {1, 2, 3});
        Preprocessing p = new Preprocessing(Preprocess.RESIZE_AND_CROP, 20, 16, true, 1);
        List<BatchLoader.Batch> full;
        try (PairSet set = PairSet.builder(DataFiles.folder(dir), Layout.ALIGNED).preprocessing(p)
                .preparedCache(tmp.resolve("cache")).open()) {
            full = epoch(set, 4, 0, 2, false, 3);
            assertEquals(5, full.size(), "13 usable pairs");
        }
        // a new process: the cache holds every entry (resumed with the cache) or nothing (on another machine)
        for (Path cache : new Path[] {tmp.resolve("cache"), tmp.resolve("elsewhere")}) {
            try (PairSet set = PairSet.builder(DataFiles.folder(dir), Layout.ALIGNED).preprocessing(p)
                    .preparedCache(cache).open()) {
                assertSameBatches(full.subList(2, 5), epoch(set, 4, 2, 3, false, 3));
            }
        }
    }
}
