package dev.pix2pix.worker.infer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs the handling of one consumed message on a dedicated worker thread (not the Kafka event loop,
 * not a virtual thread: DJL and blocking S3 calls want a plain thread) and acks the message only
 * when the handler says so. The next message of the channel is delivered after the returned stage
 * completes, so a channel handles one record at a time. Handlers must be idempotent: a failure is
 * retried a few times, then logged and acked; an {@link Outcome#LEAVE} leaves the record
 * uncommitted so that it is redelivered (graceful stop).
 */
final class Sequential implements AutoCloseable {
    enum Outcome { ACK, LEAVE }

    interface Handler {
        Outcome handle(String payload, Message<String> message) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(Sequential.class);
    private static final int ATTEMPTS = 4;

    private final String name;
    private final ExecutorService thread;
    private final BooleanSupplier stopping;

    Sequential(String name, BooleanSupplier stopping) {
        this.name = name;
        this.stopping = stopping;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    CompletionStage<Void> run(Message<String> message, Handler handler) {
        return CompletableFuture.supplyAsync(() -> attempt(message, handler), thread)
                .thenCompose(o -> o == Outcome.ACK ? message.ack() : CompletableFuture.<Void>completedFuture(null));
    }

    private Outcome attempt(Message<String> message, Handler handler) {
        for (int i = 1; ; i++) {
            try {
                return handler.handle(message.getPayload(), message);
            } catch (Exception | Error e) {
                if (stopping.getAsBoolean()) {
                    LOG.warnf("%s: stopping; message left for redelivery after: %s", name, e.toString());
                    return Outcome.LEAVE;
                }
                if (i >= ATTEMPTS || e instanceof Error && !(e instanceof AssertionError)) {
                    LOG.errorf(e, "%s: giving up on a message after %d attempt(s)", name, i);
                    return Outcome.ACK;
                }
                LOG.warnf("%s: attempt %d failed, retrying: %s", name, i, e.toString());
                sleep(2000L << (i - 1));
            } finally {
                MDC.remove("jobId");
            }
        }
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
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
