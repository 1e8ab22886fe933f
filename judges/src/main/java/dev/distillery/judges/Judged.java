package dev.distillery.judges;

import dev.distillery.datasets.model.DataRecord;

/**
 * A record after a judge looked at it, and what the judge said. On success the record carries the verdict as a
 * {@link dev.distillery.datasets.model.Score} under the judge's name; on failure it is returned unchanged (no
 * score: a failure must never read as a low score downstream) and {@code verdict} holds the reason and raw output.
 *
 * @param record  the record, with the score added when there is one
 * @param verdict what the judge said: a {@link dev.distillery.judges.spi.Verdict} or
 *                {@link dev.distillery.judges.spi.PairwiseVerdict}
 */
public record Judged<V>(DataRecord record, V verdict) {

    /** Whether the judge gave a verdict (the record then has a score under the judge's name). */
    public boolean scored() {
        return switch (verdict) {
            case dev.distillery.judges.spi.Verdict.Scored s -> true;
            case dev.distillery.judges.spi.PairwiseVerdict.Decided d -> true;
            default -> false;
        };
    }

    /** Why no verdict could be given, for a failure; null when the judge scored. */
    public String failureReason() {
        return switch (verdict) {
            case dev.distillery.judges.spi.Verdict.Failed f -> f.reason();
            case dev.distillery.judges.spi.PairwiseVerdict.Failed f -> f.reason();
            default -> null;
        };
    }

    /** What the model said, for a failure (may be null); null when the judge scored. */
    public String failureRawOutput() {
        return switch (verdict) {
            case dev.distillery.judges.spi.Verdict.Failed f -> f.rawOutput();
            case dev.distillery.judges.spi.PairwiseVerdict.Failed f -> f.rawOutput();
            default -> null;
        };
    }
}
