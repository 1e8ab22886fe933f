package dev.distillery.orchestrator.cli.dataset;

import java.io.PrintWriter;

/**
 * Shows that long work is moving: on a terminal a self-updating line, otherwise (CI logs) a line every 10 seconds.
 * Costs one clock read every 4096 records.
 */
final class Progress {

    private final PrintWriter err;
    private final String what;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long last = start;
    private long count;
    private boolean shown;

    Progress(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
    }

    void tick() {
        if ((++count & 4095) != 0) return;
        long now = System.nanoTime();
        long every = terminal ? 500_000_000L : 10_000_000_000L;
        if (now - last < every) return;
        last = now;
        show(now);
    }

    private void show(long now) {
        double secs = (now - start) / 1e9;
        String line = String.format("%s %,d records (%,.0f/s, %.0fs)", what, count, count / secs, secs);
        if (terminal) err.print("\r" + line);
        else err.println(line);
        err.flush();
        shown = true;
    }

    /** Ends the self-updating line so the summary starts on a fresh one. */
    void done() {
        if (shown && terminal) {
            err.println();
            err.flush();
        }
    }
}
