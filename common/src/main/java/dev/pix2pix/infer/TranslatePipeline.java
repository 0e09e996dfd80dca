package dev.pix2pix.infer;

import ai.djl.ndarray.NDManager;
import dev.pix2pix.image.DecodeException;
import dev.pix2pix.image.DecodedImage;
import dev.pix2pix.image.FloatImage;
import dev.pix2pix.image.ImageDecoder;
import dev.pix2pix.image.ImageWriter;
import dev.pix2pix.image.OutputFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * The archive path as overlapped stages: read and decode on a pool of CPU threads, batched forward
 * passes on one device thread, then restore/compose, encode and write on another pool. A bounded
 * number of images is in flight, so memory stays flat however large the job. Every input ends as
 * exactly one {@link ItemResult}: written, already present (redelivery), or failed with its reason.
 */
public final class TranslatePipeline {
    /**
     * Thrown by a {@link Source} or {@link Sink} when the whole run must stop (the store stayed
     * unreachable past the outage wait): no item is failed for it; {@link #run} stops taking items,
     * lets those in flight end, and rethrows it. Items it interrupted have no result.
     */
    public static final class Abort extends RuntimeException {
        public Abort(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Where inputs come from (a folder, an S3 prefix). */
    public interface Source {
        byte[] read(String key) throws IOException;
    }

    /** Where outputs go. */
    public interface Sink {
        boolean exists(String key) throws IOException;

        void write(String key, byte[] bytes, String contentType) throws IOException;
    }

    /** Receives every result, and each finished output (e.g. for thumbnails), from pool threads. */
    public interface Listener {
        void result(ItemResult r);

        default void output(String inputKey, String outputKey, FloatImage input, FloatImage output) {}
    }

    /** Time spent per stage, summed over threads (nanoseconds), for benchmarks. */
    public static final class StageTimes {
        public final LongAdder read = new LongAdder();
        public final LongAdder decode = new LongAdder();
        public final LongAdder prepare = new LongAdder();
        public final LongAdder forward = new LongAdder();
        public final LongAdder finish = new LongAdder();
        public final LongAdder encode = new LongAdder();
        public final LongAdder write = new LongAdder();
    }

    private final Translator translator;
    private final ImageDecoder decoder;
    private final OutputPolicy policy;
    private final Map<String, String> metadata;
    private final int cpuThreads;
    private final StageTimes times = new StageTimes();

    /**
     * @param metadata text metadata written into every output (provenance)
     * @param cpuThreads threads for decode and for encode (each pool); 0 = all cores
     */
    public TranslatePipeline(Translator translator, ImageDecoder decoder, OutputPolicy policy,
            Map<String, String> metadata, int cpuThreads) {
        this.translator = translator;
        this.decoder = decoder;
        this.policy = policy;
        this.metadata = metadata;
        this.cpuThreads = cpuThreads > 0 ? cpuThreads : Runtime.getRuntime().availableProcessors();
    }

    public StageTimes times() {
        return times;
    }

    private record Ready(String key, DecodedImage decoded, Translator.Prepared prepared) {}

    /**
     * Processes every key; returns the results in completion order. Stops taking new items when
     * {@code cancelled} answers true (items already in flight finish).
     */
    public List<ItemResult> run(List<String> keys, Source source, Sink sink, Listener listener, BooleanSupplier cancelled,
            NDManager manager) throws InterruptedException {
        int batch = translatorBatch();
        Semaphore inFlight = new Semaphore(Math.max(2 * batch, 2 * cpuThreads));
        BlockingQueue<Ready> ready = new ArrayBlockingQueue<>(Math.max(2 * batch, 2 * cpuThreads));
        List<ItemResult> results = new ArrayList<>();
        AtomicInteger submitted = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger loading = new AtomicInteger(); // submitted, not yet in the ready queue or failed
        java.util.concurrent.atomic.AtomicReference<Abort> abort = new java.util.concurrent.atomic.AtomicReference<>();
        Collecting collecting = new Collecting() {
            @Override
            public void result(ItemResult r) {
                synchronized (results) {
                    results.add(r);
                }
                finished.incrementAndGet();
                inFlight.release();
                listener.result(r);
            }

            @Override
            public void output(String in, String out, FloatImage input, FloatImage output) {
                listener.output(in, out, input, output);
            }

            @Override
            public void abandon(Abort a) {
                abort.compareAndSet(null, a);
                finished.incrementAndGet();
                inFlight.release();
            }
        };
        ExecutorService decodePool = Executors.newFixedThreadPool(cpuThreads, named("pix2pix-decode"));
        ExecutorService encodePool = Executors.newFixedThreadPool(cpuThreads, named("pix2pix-encode"));
        Thread feeder = new Thread(() -> {
            try {
                for (String key : keys) {
                    if (cancelled.getAsBoolean() || abort.get() != null) {
                        break;
                    }
                    inFlight.acquire();
                    submitted.incrementAndGet();
                    loading.incrementAndGet();
                    decodePool.execute(() -> {
                        try {
                            load(key, source, sink, ready, collecting);
                        } finally {
                            loading.decrementAndGet();
                        }
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                submitted.addAndGet(1 << 30); // marks the end of feeding
            }
        }, "pix2pix-feeder");
        feeder.setDaemon(true);
        feeder.start();
        try {
            List<Ready> group = new ArrayList<>(batch);
            while (true) {
                int sub = submitted.get();
                boolean fedAll = sub >= 1 << 30;
                int total = sub & ((1 << 30) - 1);
                Ready first = ready.poll(20, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (fedAll && finished.get() >= total) {
                        break;
                    }
                    continue;
                }
                group.add(first);
                ready.drainTo(group, batch - group.size());
                // a pass costs the same however full it is (the translator pads it to the batch size):
                // while more items can still arrive, wait for a full group
                while (group.size() < batch && (submitted.get() < 1 << 30 || loading.get() > 0)) {
                    Ready more = ready.poll(20, TimeUnit.MILLISECONDS);
                    if (more != null) {
                        group.add(more);
                    }
                    ready.drainTo(group, batch - group.size());
                }
                forwardAndFinish(group, sink, collecting, encodePool, manager);
                group.clear();
            }
        } finally {
            feeder.interrupt();
            decodePool.shutdown();
            encodePool.shutdown();
            decodePool.awaitTermination(1, TimeUnit.HOURS);
            encodePool.awaitTermination(1, TimeUnit.HOURS);
        }
        if (abort.get() != null) {
            throw abort.get();
        }
        synchronized (results) {
            return new ArrayList<>(results);
        }
    }

    /** The run's own listener: also told of items an {@link Abort} took away. */
    private interface Collecting extends Listener {
        void abandon(Abort a);
    }

    private int translatorBatch() {
        return translator.batch();
    }

    private void load(String key, Source source, Sink sink, BlockingQueue<Ready> ready, Collecting l) {
        String out = policy.outputKey(key);
        try {
            if (sink.exists(out)) {
                l.result(ItemResult.exists(key, out));
                return;
            }
            long t0 = System.nanoTime();
            byte[] bytes;
            try {
                bytes = source.read(key);
            } catch (DecodeException e) {
                l.result(ItemResult.failed(key, e.reason().name(), e.getMessage())); // e.g. TOO_LARGE
                return;
            } catch (IOException e) {
                l.result(ItemResult.failed(key, "READ_ERROR", e.getMessage()));
                return;
            }
            long t1 = System.nanoTime();
            DecodedImage d = decoder.decode(bytes, key);
            long t2 = System.nanoTime();
            Translator.Prepared p = translator.prepare(new Translator.Item(key, d.image()));
            long t3 = System.nanoTime();
            times.read.add(t1 - t0);
            times.decode.add(t2 - t1);
            times.prepare.add(t3 - t2);
            ready.put(new Ready(key, d, p));
        } catch (Abort a) {
            l.abandon(a);
        } catch (DecodeException e) {
            l.result(ItemResult.failed(key, e.reason().name(), e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            l.result(ItemResult.failed(key, "INTERNAL", "interrupted"));
        } catch (IOException e) {
            l.result(ItemResult.failed(key, "READ_ERROR", e.getMessage()));
        } catch (RuntimeException | OutOfMemoryError e) {
            l.result(ItemResult.failed(key, "INTERNAL", String.valueOf(e)));
        }
    }

    private void forwardAndFinish(List<Ready> group, Sink sink, Collecting l, ExecutorService encodePool,
            NDManager manager) {
        List<Translator.Prepared> prepared = new ArrayList<>(group.size());
        for (Ready r : group) {
            prepared.add(r.prepared());
        }
        List<float[]> outputs;
        long t0 = System.nanoTime();
        try {
            outputs = translator.forward(prepared, manager);
        } catch (RuntimeException e) {
            for (Ready r : group) {
                l.result(ItemResult.failed(r.key(), "INTERNAL", "model failed: " + e.getMessage()));
            }
            return;
        }
        times.forward.add(System.nanoTime() - t0);
        for (int i = 0; i < group.size(); i++) {
            Ready r = group.get(i);
            float[] y = outputs.get(i);
            encodePool.execute(() -> finish(r, y, sink, l));
        }
    }

    private void finish(Ready r, float[] y, Sink sink, Collecting l) {
        String out = policy.outputKey(r.key());
        try {
            long t0 = System.nanoTime();
            FloatImage img = translator.finish(r.prepared(), y);
            long t1 = System.nanoTime();
            OutputFormat fmt = policy.formatFor(r.key(), r.decoded());
            byte[] bytes = ImageWriter.write(img, fmt, metadata, r.decoded().iccProfile());
            long t2 = System.nanoTime();
            sink.write(out, bytes, fmt.mimeType());
            long t3 = System.nanoTime();
            times.finish.add(t1 - t0);
            times.encode.add(t2 - t1);
            times.write.add(t3 - t2);
            l.output(r.key(), out, r.decoded().image(), img);
            l.result(ItemResult.ok(r.key(), out, img.width(), img.height()));
        } catch (Abort a) {
            l.abandon(a);
        } catch (IOException e) {
            l.result(ItemResult.failed(r.key(), "WRITE_ERROR", e.getMessage()));
        } catch (RuntimeException | OutOfMemoryError e) {
            l.result(ItemResult.failed(r.key(), "INTERNAL", String.valueOf(e)));
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
