package dev.distillery.judges.jury;

import dev.distillery.judges.spi.Verdict;

import java.util.List;

/**
 * A jury's full result: the aggregated verdict, each juror's verdict, and how far the jurors agreed.
 *
 * @param verdict   the aggregate score, or a failure (too few jurors scored, or no majority)
 * @param votes     each juror's verdict, in juror order
 * @param agreement fraction of the scoring jurors that agree with the aggregate (equal for {@link Aggregation#MAJORITY},
 *                  within the tolerance otherwise); NaN when no juror scored
 */
public record JuryDecision(Verdict verdict, List<Verdict> votes, double agreement) {

    public JuryDecision {
        votes = List.copyOf(votes);
    }
}
