package dev.distillery.generators.model.accounting;

import dev.distillery.generators.model.ModelCallException;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger at one moment: one line per (model, flow, stage).
 *
 * <pre>{@code UsageSnapshot.Line t = ledger.snapshot().total(); System.out.printf("%d calls, $%.4f%n", t.calls(), t.costUsd());}</pre>
 *
 * @param lines sorted by model, flow, stage
 */
public record UsageSnapshot(List<Line> lines) {

    public UsageSnapshot {
        lines = List.copyOf(lines);
    }

    /** All lines added up (model, flow and stage are {@code "*"}). */
    public Line total() {
        return sum("*", lines);
    }

    /** The lines of one model added up. */
    public Line model(String model) {
        return sum(model, lines.stream().filter(l -> l.model().equals(model)).toList());
    }

    private static Line sum(String model, List<Line> ls) {
        long calls = 0, hits = 0, failures = 0, retries = 0, in = 0, out = 0;
        double cost = 0;
        Map<ModelCallException.Kind, Long> byKind = new EnumMap<>(ModelCallException.Kind.class);
        for (Line l : ls) {
            calls += l.calls;
            hits += l.cacheHits;
            failures += l.failures;
            retries += l.retries;
            in += l.inputTokens;
            out += l.outputTokens;
            cost += l.costUsd;
            l.failuresByKind.forEach((k, n) -> byKind.merge(k, n, Long::sum));
        }
        return new Line(model, "*", "*", calls, hits, failures, retries, in, out, cost, byKind);
    }

    /**
     * @param model          the model name
     * @param flow           the flow, or null outside any
     * @param stage          the stage, or null outside a pipeline
     * @param calls          paid calls that answered
     * @param cacheHits      calls answered from the cache or coalesced with an identical call
     * @param failures       calls that finally failed
     * @param retries        extra attempts spent by calls that finally failed (the retry layer counts the rest)
     * @param inputTokens    prompt tokens of paid calls
     * @param outputTokens   completion tokens of paid calls
     * @param costUsd        from the model's price
     * @param failuresByKind failures by reason
     */
    public record Line(String model, String flow, String stage, long calls, long cacheHits, long failures, long retries,
                       long inputTokens, long outputTokens, double costUsd,
                       Map<ModelCallException.Kind, Long> failuresByKind) {
        public Line {
            failuresByKind = Map.copyOf(failuresByKind);
        }
    }
}
