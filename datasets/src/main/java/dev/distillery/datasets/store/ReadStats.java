package dev.distillery.datasets.store;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one reading pass, for the "what happened" line every command prints. */
public final class ReadStats {

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong truncatedTails = new AtomicLong();

    void countRecord() {
        records.incrementAndGet();
    }

    void countRejected() {
        rejected.incrementAndGet();
    }

    void countTruncatedTail() {
        truncatedTails.incrementAndGet();
    }

    /** Records delivered. */
    public long records() {
        return records.get();
    }

    /** Lines handed to the {@link InvalidRecordHandler} and skipped. */
    public long rejected() {
        return rejected.get();
    }

    /** Unterminated, unparseable last lines (a killed writer's partial record) that were skipped with a warning. */
    public long truncatedTails() {
        return truncatedTails.get();
    }
}
