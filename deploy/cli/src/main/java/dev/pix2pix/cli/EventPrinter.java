package dev.pix2pix.cli;

import dev.pix2pix.msg.JobEvent;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Shows a job's events as they arrive: a progress bar on a terminal (a line every few seconds
 * otherwise), and one line per epoch, checkpoint, failed item and the end.
 */
public final class EventPrinter implements Consumer<JobEvent> {
    private final PrintStream out;
    private final boolean tty;
    private final long lineEveryMs;
    private long lastLine;
    private boolean barShown;

    /** {@code out}: usually System.err, so that stdout stays for --json. */
    public EventPrinter(PrintStream out) {
        this(out, System.console() != null && System.getenv("PIX2PIX_NO_PROGRESS") == null, 10_000);
    }

    EventPrinter(PrintStream out, boolean tty, long lineEveryMs) {
        this.out = out;
        this.tty = tty;
        this.lineEveryMs = lineEveryMs;
    }

    @Override
    public void accept(JobEvent e) {
        switch (e.type()) {
            case PROGRESS -> progress(e);
            case ACCEPTED -> line(e.jobId() + ": accepted" + text(e));
            case EPOCH -> line(e.jobId() + ": epoch " + e.epoch() + losses(e.losses())
                    + (e.seconds() == null ? "" : String.format(Locale.ROOT, " (%.1f s)", e.seconds())));
            case CHECKPOINT -> line(e.jobId() + ": checkpoint" + (e.epoch() == null ? "" : " at epoch " + e.epoch())
                    + (e.checkpoint() == null ? "" : " -> " + e.checkpoint()));
            case ITEM_FAILED -> line(e.jobId() + ": item failed: " + e.key() + (e.reason() == null ? "" : " (" + e.reason() + ")")
                    + (e.message() == null ? "" : ": " + e.message()));
            case COMPLETED, FAILED, CANCELLED -> line(e.jobId() + ": " + e.type().wire()
                    + (e.shard() == null ? "" : " (shard " + e.shard() + ")")
                    + (e.reason() == null ? "" : " (" + e.reason() + ")") + text(e)
                    + (e.counts() == null ? "" : " " + e.counts())
                    + (e.outputs() == null || e.outputs().isEmpty() ? "" : " outputs: " + String.join(", ", e.outputs())));
        }
    }

    private void progress(JobEvent e) {
        long done = e.done() == null ? 0 : e.done();
        long total = e.total() == null ? 0 : e.total();
        String extra = (e.rate() == null ? "" : String.format(Locale.ROOT, "%.2f/s", e.rate()))
                + (e.etaSeconds() == null ? "" : " eta " + ProgressBar.eta(e.etaSeconds()))
                + (e.epoch() == null ? "" : " epoch " + e.epoch())
                + (e.shard() == null ? "" : " shard " + e.shard());
        if (tty) {
            int width = 30;
            int filled = total > 0 ? (int) (width * Math.min(1.0, done / (double) total)) : 0;
            out.print("\r" + e.jobId() + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/"
                    + total + " " + extra.trim() + "   ");
            out.flush();
            barShown = true;
        } else {
            long now = System.currentTimeMillis();
            if (now - lastLine >= lineEveryMs || (total > 0 && done >= total)) {
                lastLine = now;
                out.println(e.jobId() + ": " + done + "/" + total
                        + (total > 0 ? String.format(Locale.ROOT, " (%.0f%%)", 100.0 * done / total) : "") + " " + extra.trim());
            }
        }
    }

    private void line(String s) {
        if (barShown) {
            out.println();
            barShown = false;
        }
        out.println(s);
    }

    private static String text(JobEvent e) {
        return e.message() == null ? "" : ": " + e.message();
    }

    static String losses(Map<String, Double> losses) {
        if (losses == null || losses.isEmpty()) {
            return "";
        }
        return " " + losses.entrySet().stream()
                .map(x -> x.getKey() + "=" + (x.getValue() == null ? "?" : String.format(Locale.ROOT, "%.4f", x.getValue())))
                .collect(Collectors.joining(" "));
    }

    /** Ends a bar line in progress. */
    public void finish() {
        if (barShown) {
            out.println();
            barShown = false;
        }
    }
}
