package dev.distillery.orchestrator.runs;

import dev.distillery.orchestrator.store.Counters;

import java.util.List;
import java.util.Locale;

/**
 * The progress block of a run on a terminal: one line per stage, redrawn in place. Pure text in, text out, so it is
 * tested without a terminal; {@link Progress} writes what it returns.
 *
 * <p>A frame moves the cursor up over the block drawn before ({@code ESC[nA}), then writes each line after a carriage
 * return and a clear-line ({@code ESC[2K}). Lines are cut to the terminal width: a wrapped line would take two rows
 * and the next cursor-up would land one row short.
 *
 * <pre>{@code
 * LiveDisplay d = new LiveDisplay(100);
 * out.print(d.frame(List.of(LiveDisplay.line(width, answers), LiveDisplay.line(width, kept))));
 * }</pre>
 */
final class LiveDisplay {

    static final String ESC = "\u001b[";
    static final String CLEAR_LINE = "\r" + ESC + "2K";

    /**
     * What one stage line shows.
     *
     * @param state       pending, running, done, reused, failed, cancelled
     * @param counters    the stage's counters so far (earlier attempts included)
     * @param inPerSecond input records per second in this attempt (0 when unknown)
     * @param outPerSecond output records per second in this attempt
     * @param inputTotal  how many input records there are, once every input stage finished; −1 while unknown
     * @param target      the stage's output target; −1 when it has none
     * @param detail      replaces the counters when set (a training stage's step and loss)
     */
    record StageLine(String stage, String state, Counters counters, double inPerSecond, double outPerSecond,
                     long inputTotal, long target, String detail) {
    }

    private final int width;
    private int drawn;

    /** @param width the terminal's columns; lines are cut to one less so the cursor never wraps */
    LiveDisplay(int width) {
        this.width = Math.max(20, width);
    }

    /** The text of one stage line, its name padded to {@code nameWidth}. */
    static String line(int nameWidth, StageLine s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-" + nameWidth + "s %-9s", s.stage(), s.state()));
        if (s.detail() != null) return b.append(' ').append(s.detail()).toString().stripTrailing();
        if (s.state().equals("pending")) return b.toString().stripTrailing();
        Counters c = s.counters();
        b.append(" in ").append(count(c.recordsIn()));
        if (s.target() < 0 && s.inputTotal() >= 0) b.append('/').append(count(s.inputTotal()));
        b.append("  out ").append(count(c.recordsOut()));
        if (s.target() >= 0) b.append('/').append(count(s.target()));
        if (c.rejected() > 0) b.append("  rejected ").append(count(c.rejected()));
        if (c.deadLettered() > 0) b.append("  dead ").append(count(c.deadLettered()));
        if (s.state().equals("running")) {
            if (s.inPerSecond() > 0) b.append(String.format(Locale.ROOT, "  %.1f/s", s.inPerSecond()));
            long eta = etaSeconds(s);
            if (eta >= 0) b.append("  eta ").append(duration(eta));
        }
        long tokens = c.tokensIn() + c.tokensOut();
        if (tokens > 0) b.append("  ").append(count(tokens)).append(" tokens");
        if (c.costMicros() > 0) b.append(String.format(Locale.ROOT, "  $%.4f", c.costUsd()));
        return b.toString();
    }

    /**
     * Seconds left at the current rate: towards the output target when the stage has one, else through the known
     * input count; −1 when neither is known or nothing moved yet.
     */
    static long etaSeconds(StageLine s) {
        Counters c = s.counters();
        if (s.target() >= 0) {
            if (s.outPerSecond() <= 0) return -1;
            return (long) Math.ceil(Math.max(0, s.target() - c.recordsOut()) / s.outPerSecond());
        }
        if (s.inputTotal() >= 0 && s.inPerSecond() > 0) {
            return (long) Math.ceil(Math.max(0, s.inputTotal() - c.recordsIn()) / s.inPerSecond());
        }
        return -1;
    }

    /** {@code 42s}, {@code 3m05s}, {@code 2h07m}. */
    static String duration(long seconds) {
        if (seconds < 60) return seconds + "s";
        if (seconds < 3600) return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Redraws the block in place of the one drawn before. */
    String frame(List<String> lines) {
        StringBuilder b = new StringBuilder(up());
        body(b, lines);
        return b.toString();
    }

    /**
     * A line that stays (a stage finished, a cancel was requested): written where the block was, with the block
     * drawn again below it.
     */
    String message(String message, List<String> lines) {
        StringBuilder b = new StringBuilder(up());
        b.append(CLEAR_LINE).append(cut(message)).append('\n');
        drawn = 0; // the message took the block's first row; the block starts below it
        body(b, lines);
        return b.toString();
    }

    private String up() {
        return drawn == 0 ? "" : ESC + drawn + "A";
    }

    private void body(StringBuilder b, List<String> lines) {
        for (String l : lines) b.append(CLEAR_LINE).append(cut(l)).append('\n');
        // A shorter block than before: clear the rows left over and come back up to the block's end.
        int extra = drawn - lines.size();
        if (extra > 0) {
            for (int i = 0; i < extra; i++) b.append(CLEAR_LINE).append('\n');
            b.append(ESC).append(extra).append('A');
        }
        drawn = lines.size();
    }

    private String cut(String line) {
        return line.length() < width ? line : line.substring(0, width - 1);
    }
}
