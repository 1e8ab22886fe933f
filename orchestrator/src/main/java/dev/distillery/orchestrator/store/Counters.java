package dev.distillery.orchestrator.store;

/**
 * A stage's counters, or an increment to them. Cost is in micro-dollars (millionths of a US dollar) so that sums over
 * millions of calls stay exact.
 *
 * <p>Usage: {@code store.markItemDone(run, stage, key, ids, Counters.in(1).plus(Counters.out(2)).plus(Counters.tokens(812, 240, 1_530)));}
 */
public record Counters(long recordsIn, long recordsOut, long rejected, long deadLettered,
                       long tokensIn, long tokensOut, long costMicros) {

    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0);

    public static Counters in(long records) {
        return new Counters(records, 0, 0, 0, 0, 0, 0);
    }

    public static Counters out(long records) {
        return new Counters(0, records, 0, 0, 0, 0, 0);
    }

    public static Counters rejected(long records) {
        return new Counters(0, 0, records, 0, 0, 0, 0);
    }

    public static Counters deadLettered(long records) {
        return new Counters(0, 0, 0, records, 0, 0, 0);
    }

    public static Counters tokens(long tokensIn, long tokensOut, long costMicros) {
        return new Counters(0, 0, 0, 0, tokensIn, tokensOut, costMicros);
    }

    public Counters plus(Counters other) {
        return new Counters(recordsIn + other.recordsIn, recordsOut + other.recordsOut, rejected + other.rejected,
                deadLettered + other.deadLettered, tokensIn + other.tokensIn, tokensOut + other.tokensOut,
                costMicros + other.costMicros);
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    /** The cost in US dollars. */
    public double costUsd() {
        return costMicros / 1_000_000.0;
    }
}
