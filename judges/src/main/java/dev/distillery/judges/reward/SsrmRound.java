package dev.distillery.judges.reward;

/**
 * One round of semi-supervised self-training (SSRM). Round 0 is the fit on labelled pairs alone.
 *
 * <pre>{@code result.rounds().forEach(r -> System.out.println(r.round() + ": " + r.selected() + " pseudo-labels"));}</pre>
 *
 * @param round            0 for the labelled-only fit, then 1, 2, ...
 * @param candidates       unlabelled pairs scored this round (0 in round 0)
 * @param selected         pairs confident enough to be pseudo-labelled and trained on in this round
 * @param changed          pairs whose selection or label differs from the previous round (all selected in round 1)
 * @param meanConfidence   mean confidence over all candidates (max(p, 1−p) or s_T, per the confidence mode); NaN in round 0
 * @param iterations       Newton steps of this round's fit
 * @param trainingAccuracy share of the labelled pairs the round's head ranks correctly
 */
public record SsrmRound(int round, int candidates, int selected, int changed, double meanConfidence, int iterations,
                        double trainingAccuracy) {
}
