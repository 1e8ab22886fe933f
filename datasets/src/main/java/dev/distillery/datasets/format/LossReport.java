package dev.distillery.datasets.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a conversion dropped, counted per kind, so a converter says each loss once instead of once per row (or never).
 * Safe to share between threads that encode in parallel.
 *
 * <pre>{@code
 * LossReport loss = new LossReport();
 * records.forEach(r -> out.write(format.encode(r, loss)));
 * loss.lines().forEach(log::warn);   // "trl-messages does not carry lineage (1000 records)"
 * }</pre>
 */
public final class LossReport {

    private record Key(String format, String what) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    /** First-seen order, so the summary reads in the order the problems appeared. */
    private final ConcurrentLinkedQueue<Key> order = new ConcurrentLinkedQueue<>();

    /**
     * Counts one record for which {@code format} dropped {@code what}.
     *
     * @param what a fixed phrase (no per-row values), e.g. {@code lineage} or {@code tool names}
     */
    public void note(String format, String what) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(what, "what");
        counts.computeIfAbsent(new Key(format, what), k -> {
            order.add(k);
            return new LongAdder();
        }).increment();
    }

    /** How many records were noted for this format and loss. */
    public long count(String format, String what) {
        LongAdder n = counts.get(new Key(format, what));
        return n == null ? 0 : n.sum();
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    /** One line per distinct loss: {@code trl-messages does not carry lineage (1000 records)}. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Key k : order) {
            LongAdder adder = counts.get(k);
            if (adder == null) continue; // published to the queue a moment before the map
            long n = adder.sum();
            lines.add(k.format() + " does not carry " + k.what() + " (" + n + (n == 1 ? " record)" : " records)"));
        }
        return lines;
    }

    @Override
    public String toString() {
        return String.join("\n", lines());
    }
}
