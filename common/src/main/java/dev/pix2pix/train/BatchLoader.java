package dev.pix2pix.train;

import dev.pix2pix.data.Augment;
import dev.pix2pix.data.PairDataset;
import dev.pix2pix.data.Sample;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prepares batches (crop, flip, normalise) on a background thread a few iterations ahead, so the
 * device never waits for the CPU side. Each sample's jitter is drawn from (seed, epoch, index)
 * alone, so a resumed run sees exactly the batches the interrupted one would have.
 */
final class BatchLoader implements AutoCloseable {
    /** A batch as flat channels-first arrays. */
    record Batch(int size, float[] input, float[] target) {}

    private static final int AHEAD = 3;
    private final PairDataset data;
    private final Augment augment;
    private final long seed;
    private final int batch;
    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pix2pix-batch-loader");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Future<Batch>> queue = new ArrayDeque<>();
    private int[] order;
    private int epoch;
    private long next;
    private long end;

    BatchLoader(PairDataset data, Augment augment, long seed, int batch) {
        this.data = data;
        this.augment = augment;
        this.seed = seed;
        this.batch = batch;
    }

    long iterationsPerEpoch() {
        return (data.size() + batch - 1) / batch;
    }

    /** Starts an epoch's batches at iteration {@code from}. */
    void startEpoch(int epoch, long from) {
        cancelPending();
        this.epoch = epoch;
        this.order = permutation(data.size(), new Random(seed * 1_000_003L + epoch));
        this.next = from;
        this.end = iterationsPerEpoch();
        fill();
    }

    Batch take() throws InterruptedException {
        Future<Batch> f = queue.poll();
        if (f == null) {
            throw new IllegalStateException("no batch left in this epoch");
        }
        fill();
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("preparing a batch failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void fill() {
        while (queue.size() < AHEAD && next < end) {
            long it = next++;
            queue.add(pool.submit(() -> build(it)));
        }
    }

    private Batch build(long it) {
        int from = (int) (it * batch);
        int n = Math.min(batch, order.length - from);
        float[] in = null;
        float[] out = null;
        for (int i = 0; i < n; i++) {
            int idx = order[from + i];
            Random r = new Random((seed * 31 + epoch) * 1_000_003L + idx);
            Sample s = data.sample(idx, augment, r);
            if (in == null) {
                in = new float[s.input().length * n];
                out = new float[s.target().length * n];
            }
            System.arraycopy(s.input(), 0, in, i * s.input().length, s.input().length);
            System.arraycopy(s.target(), 0, out, i * s.target().length, s.target().length);
        }
        return new Batch(n, in, out);
    }

    static int[] permutation(int n, Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private void cancelPending() {
        for (Future<Batch> f : queue) {
            f.cancel(true);
        }
        queue.clear();
    }

    @Override
    public void close() {
        cancelPending();
        pool.shutdownNow();
    }
}
