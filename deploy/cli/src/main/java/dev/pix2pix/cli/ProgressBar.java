package dev.pix2pix.cli;

import java.io.PrintStream;

/** A one-line progress bar on a terminal (stderr); silent when stderr is not a terminal. */
final class ProgressBar {
    private final PrintStream out;
    private final boolean tty;
    private long lastDraw;

    ProgressBar(PrintStream out) {
        this.out = out;
        this.tty = System.console() != null && System.getenv("PIX2PIX_NO_PROGRESS") == null;
    }

    void update(String label, long done, long total, String extra) {
        long now = System.currentTimeMillis();
        if (!tty || (now - lastDraw < 200 && done < total)) {
            return;
        }
        lastDraw = now;
        int width = 30;
        int filled = total > 0 ? (int) (width * Math.min(1.0, done / (double) total)) : 0;
        out.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total
                + (extra == null ? "" : " " + extra) + "   ");
        out.flush();
    }

    void end() {
        if (tty) {
            out.println();
        }
    }

    static String eta(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
