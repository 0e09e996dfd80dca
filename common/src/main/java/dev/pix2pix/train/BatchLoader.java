package dev.pix2pix.train;

import dev.pix2pix.data.DataReport;
import dev.pix2pix.data.Sample;
import dev.pix2pix.data.TrainingSet;
import dev.pix2pix.data.UnusableSample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prepares an epoch's batches on a pool of threads into a bounded queue, a few batches ahead of the
 * training step. The order is a permutation drawn from (seed, epoch) (or the entries' own order with
 * serial batches) and each sample's jitter from (seed, epoch, index) alone; unusable entries are left
 * out where they fall and the next ones fill the batch. Since usability is a property of the files,
 * a resumed run sees exactly the batches the interrupted one would have, whatever the thread count
 * and timing. Memory is bounded by the window of samples in flight, not by the set's size. Public
 * for benchmarks ({@code pix2pix bench-data}); the trainer owns one per run.
 */
public final class BatchLoader implements AutoCloseable {
    /** A batch as flat channels-first arrays of {@code size} samples of width x height. */
    public record Batch(int size, int width, int height, float[] input, float[] target) {}

    private static final int AHEAD = 2;
    private static final Object END = new Object();

    private final TrainingSet data;
    private final long seed;
    private final int batch;
    private final boolean serial;
    private final int threads;
    private final ExecutorService pool;
    /** Batch arrays handed back by the consumer: reused, so a run does not allocate (and collect) a batch per step. */
    private final java.util.concurrent.ConcurrentLinkedQueue<float[][]> free = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private Epoch current;

    /**
     * @param serial take entries in their order every epoch (the reference's --serial_batches)
     * @param threads preparing threads (0 = one per core)
     */
    public BatchLoader(TrainingSet data, long seed, int batch, boolean serial, int threads) {
        this.data = data;
        this.seed = seed;
        this.batch = batch;
        this.serial = serial;
        this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "pix2pix-batch-loader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Iterations of an epoch: exact once every entry was prepared, until then counting unknown entries as usable. */
    public long iterationsPerEpoch() {
        DataReport r = data.report();
        return Math.max(1, (data.size() - r.skipped().size() + batch - 1) / batch);
    }

    /** Starts an epoch's batches at its iteration {@code from} (the batches before it are skipped, not prepared). */
    public void startEpoch(int epoch, long from) {
        stopCurrent();
        current = new Epoch(epoch, from);
        current.thread.start();
    }

    /** The next batch, or null when the epoch has no more. */
    public Batch take() throws InterruptedException {
        return current.take();
    }

    /** Whether the epoch has another batch (waits until that is known). */
    public boolean hasMore() throws InterruptedException {
        return current.hasMore();
    }

    /** Hands a batch's arrays back for reuse once the caller is done with them (optional). */
    public void release(Batch b) {
        if (free.size() < AHEAD + 2) {
            free.offer(new float[][] {b.input(), b.target()});
        }
    }

    private float[][] arrays(int inLen, int outLen) {
        for (float[][] f; (f = free.poll()) != null; ) {
            if (f[0].length == inLen && f[1].length == outLen) {
                return f;
            }
        }
        return new float[][] {new float[inLen], new float[outLen]};
    }

    /** The shuffle of an epoch: Fisher-Yates from the given generator. */
    public static int[] permutation(int n, Random r) {
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

    private void stopCurrent() {
        if (current != null) {
            current.stop();
            current = null;
        }
    }

    @Override
    public void close() {
        stopCurrent();
        // no interrupts: a pool thread may be inside a FileChannel read, which an interrupt would close;
        // samples take milliseconds, so the running ones are waited for before the set may be closed
        pool.shutdown();
        try {
            pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One epoch: an assembler thread submitting samples in order and grouping them into batches. */
    private final class Epoch {
        private final int epoch;
        private final long from;
        private final int[] order;
        private final int window = batch + 2 * threads;
        private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(AHEAD);
        private final Deque<Future<?>> inFlight = new ArrayDeque<>();
        private final Thread thread;
        private volatile boolean stopped;
        private Object peeked;
        private boolean ended;

        Epoch(int epoch, long from) {
            this.epoch = epoch;
            this.from = from;
            int n = data.size();
            if (serial) {
                order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
            } else {
                order = permutation(n, new Random(seed * 1_000_003L + epoch));
            }
            thread = new Thread(this::assemble, "pix2pix-batch-assembler");
            thread.setDaemon(true);
        }

        private void assemble() {
            try {
                int pos = skip(from * batch);
                List<Sample> group = new ArrayList<>(batch);
                Deque<Future<Sample>> futures = new ArrayDeque<>();
                while (!stopped) {
                    while (futures.size() < window && pos < order.length) {
                        int idx = order[pos++];
                        Future<Sample> f = pool.submit(() -> {
                            try {
                                return data.sample(idx, new Random((seed * 31 + epoch) * 1_000_003L + idx));
                            } catch (UnusableSample u) {
                                return null;
                            }
                        });
                        futures.add(f);
                        track(f);
                    }
                    Future<Sample> head = futures.poll();
                    if (head == null) {
                        break;
                    }
                    Sample s = head.get();
                    if (s == null) {
                        continue;
                    }
                    group.add(s);
                    if (group.size() == batch) {
                        ready.put(toBatch(group));
                        group.clear();
                    }
                }
                if (!stopped && !group.isEmpty()) {
                    ready.put(toBatch(group));
                }
                if (!stopped) {
                    ready.put(END);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                offer(e.getCause());
            } catch (RuntimeException e) {
                offer(e);
            }
        }

        /** Skips the first {@code count} usable entries (a resumed epoch's trained batches); returns where sampling starts. */
        private int skip(long count) throws InterruptedException, ExecutionException {
            if (count == 0) {
                return 0;
            }
            Deque<Future<Boolean>> probes = new ArrayDeque<>();
            int pos = 0;
            int submitted = 0;
            long seen = 0;
            while (seen < count && !stopped) {
                while (probes.size() < window && submitted < order.length) {
                    int idx = order[submitted++];
                    Future<Boolean> f = pool.submit(() -> data.usable(idx));
                    probes.add(f);
                    track(f);
                }
                Future<Boolean> head = probes.poll();
                if (head == null) {
                    break;
                }
                pos++;
                if (head.get()) {
                    seen++;
                }
            }
            for (Future<Boolean> f : probes) {
                f.cancel(false);
            }
            return pos;
        }

        private void track(Future<?> f) {
            synchronized (inFlight) {
                inFlight.add(f);
                if (inFlight.size() > 2 * window) {
                    inFlight.removeIf(Future::isDone);
                }
            }
        }

        private Batch toBatch(List<Sample> group) {
            Sample first = group.get(0);
            int w = first.width();
            int h = first.height();
            int inLen = first.input().length;
            int outLen = first.target().length;
            float[][] arrays = arrays(inLen * group.size(), outLen * group.size());
            float[] in = arrays[0];
            float[] out = arrays[1];
            for (int i = 0; i < group.size(); i++) {
                Sample s = group.get(i);
                if (s.width() != w || s.height() != h) {
                    throw new IllegalStateException("a batch needs samples of one size, but " + first.name() + " is "
                            + w + "x" + h + " and " + s.name() + " is " + s.width() + "x" + s.height() + " with preprocess "
                            + data.preprocessing().mode() + ": use --batch 1, or a mode that crops");
                }
                System.arraycopy(s.input(), 0, in, i * inLen, inLen);
                System.arraycopy(s.target(), 0, out, i * outLen, outLen);
            }
            return new Batch(group.size(), w, h, in, out);
        }

        private void offer(Throwable t) {
            ready.clear();
            ready.offer(t);
        }

        Batch take() throws InterruptedException {
            if (!hasMore()) {
                return null;
            }
            Object o = peeked;
            peeked = null;
            return (Batch) o;
        }

        boolean hasMore() throws InterruptedException {
            if (ended) {
                return false;
            }
            if (peeked == null) {
                peeked = ready.take();
            }
            if (peeked == END) {
                ended = true;
                peeked = null;
                return false;
            }
            if (peeked instanceof Throwable t) {
                peeked = null;
                ended = true;
                if (t instanceof RuntimeException re) {
                    throw re; // as thrown by the set (e.g. a store error while its file downloads), for callers' reasons
                }
                throw new IllegalStateException("preparing a batch failed: " + t.getMessage(), t);
            }
            return true;
        }

        void stop() {
            stopped = true;
            thread.interrupt(); // the assembler only waits on futures and the queue; pool threads are not interrupted
            synchronized (inFlight) {
                for (Future<?> f : inFlight) {
                    f.cancel(false);
                }
                inFlight.clear();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
