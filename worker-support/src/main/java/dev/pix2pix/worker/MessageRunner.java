package dev.pix2pix.worker;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Handles a channel's messages one at a time on a dedicated platform thread (not the Kafka event
 * loop: DJL and blocking S3 calls want a plain thread) and makes sure each ends in an outcome:
 * the handler's {@link Outcome}, published with the message's offset in one transaction by the
 * {@link TxPublisher}; or, when the handler keeps failing unexpectedly, the failure outcome that
 * {@link Failure} builds (a failed event, the message to the dead-letter topic). A message is never
 * committed without one. Only a stopping worker or a revoked partition leaves a message
 * uncommitted, for its next owner. The next message of the channel is delivered once the returned
 * stage completes (channels use {@code commit-strategy=ignore}: the transaction commits).
 *
 * <p>Leaving a message uncommitted is only safe when no later message of its partition is committed
 * here: a commit of a later offset would skip it. Hence the only leaves are for a stopping worker and
 * a partition that is no longer ours.
 */
public final class MessageRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MessageRunner.class);

    /**
     * One consumed record. {@link #whenDone} registers clean-ups that run once the message's handling
     * ended without the process dying (committed, or left on purpose), e.g. clearing its attempt marker.
     */
    public record Delivery(String topic, int partition, long offset, String key, String payload,
                           Message<String> message, java.util.List<Runnable> cleanups) {
        public void whenDone(Runnable r) {
            cleanups.add(r);
        }

        public TopicPartition topicPartition() {
            return new TopicPartition(topic, partition);
        }

        /** topic-partition@offset, for logs, markers and dead-letter headers. */
        public String source() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    public interface Handler {
        Outcome handle(Delivery d) throws Exception;
    }

    /** The outcome of a message whose handling kept failing: it must name the failure. */
    public interface Failure {
        Outcome after(Delivery d, Throwable error, int attempts);
    }

    private final String name;
    private final DeadLetters deadLetters;
    private final PartitionTracker partitions;
    private final TxPublisher publisher;
    private final BooleanSupplier stopping;
    private final int attempts;
    private final Duration retryDelay;
    private final ExecutorService thread;
    private final Object idle = new Object();
    private volatile Delivery current;

    /**
     * @param attempts   tries of a handler that throws unexpectedly before {@link Failure} decides
     * @param retryDelay wait before the second try (doubled for each further one)
     */
    public MessageRunner(String name, DeadLetters deadLetters, PartitionTracker partitions, TxPublisher publisher,
            BooleanSupplier stopping, int attempts, Duration retryDelay) {
        this.name = name;
        this.deadLetters = deadLetters;
        this.partitions = partitions;
        this.publisher = publisher;
        this.stopping = stopping;
        this.attempts = attempts;
        this.retryDelay = retryDelay;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public CompletionStage<Void> run(Message<String> message, Handler handler, Failure failure) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    runOne(delivery(message), handler, failure);
                } catch (RuntimeException | Error e) {
                    LOG.errorf(e, "%s: unexpected failure outside a handler; message left uncommitted", name);
                } finally {
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            done.complete(null); // closing: not committed, redelivered to the next owner
        }
        return done;
    }

    private void runOne(Delivery d, Handler handler, Failure failure) {
        current = d;
        try {
            BooleanSupplier giveUp = () -> stopping.getAsBoolean() || !partitions.owns(d.topicPartition());
            if (giveUp.getAsBoolean()) {
                LOG.infof("%s: %s not ours any more (or stopping); left for its owner", name, d.source());
                return;
            }
            Outcome o = outcome(d, handler, failure, giveUp);
            if (o.isLeave()) {
                LOG.infof("%s: %s left uncommitted: %s", name, d.source(), o.summary());
                return;
            }
            if (publisher.publish(o.records(), d.topicPartition(), d.offset() + 1, partitions::group, giveUp)) {
                LOG.debugf("%s: %s committed with %s", name, d.source(), o);
            } else {
                LOG.infof("%s: %s not committed (stopping or partition moved); its next owner handles it again",
                        name, d.source());
            }
        } finally {
            for (Runnable r : d.cleanups()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warnf("%s: clean-up after %s failed: %s", name, d.source(), e.toString());
                }
            }
            MDC.remove("jobId");
            synchronized (idle) {
                current = null;
                idle.notifyAll();
            }
        }
    }

    private Outcome outcome(Delivery d, Handler handler, Failure failure, BooleanSupplier giveUp) {
        for (int i = 1; ; i++) {
            try {
                return handler.handle(d);
            } catch (Exception | Error e) {
                if (giveUp.getAsBoolean()) {
                    return Outcome.leave("stopping after: " + e);
                }
                if (i < attempts && !(e instanceof VirtualMachineError)) {
                    LOG.warnf("%s: %s attempt %d failed, retrying: %s", name, d.source(), i, e.toString());
                    sleep(retryDelay.toMillis() << (i - 1));
                    continue;
                }
                LOG.errorf(e, "%s: %s failed %d time(s); ending it with a failure", name, d.source(), i);
                try {
                    return failure.after(d, e, i);
                } catch (RuntimeException | Error f) {
                    // never leave it uncommitted: a later commit of its partition would skip it silently
                    LOG.errorf(f, "%s: %s: could not build its failure outcome; dead-lettering it", name, d.source());
                    return Outcome.of("dead-lettered after " + e, java.util.List.of(
                            deadLetters.of(d, "INTERNAL", "failed " + i + " time(s): " + e + "; then: " + f)));
                }
            }
        }
    }

    /** The message in progress on this runner (null when idle). */
    public Delivery current() {
        return current;
    }

    /**
     * Waits until no message of {@code partitions} is in progress (called by the rebalance listener
     * after it took them from the tracker, so the handler sees it must stop). Returns false on timeout.
     */
    public boolean awaitNoneOf(java.util.Collection<TopicPartition> revoked, Duration max) {
        long end = System.nanoTime() + max.toNanos();
        synchronized (idle) {
            while (current != null && revoked.contains(current.topicPartition())) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    idle.wait(Math.max(1, Math.min(500, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private static Delivery delivery(Message<String> m) {
        IncomingKafkaRecordMetadata<?, ?> meta = m.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalArgumentException("not a Kafka record: " + m));
        Object key = meta.getKey();
        return new Delivery(meta.getTopic(), meta.getPartition(), meta.getOffset(), key == null ? null : key.toString(),
                m.getPayload(), m, new java.util.concurrent.CopyOnWriteArrayList<>());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the running handler finish (it watches the stopping flag), then ends the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }
}
