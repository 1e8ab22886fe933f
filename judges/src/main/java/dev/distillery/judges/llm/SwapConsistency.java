package dev.distillery.judges.llm;

import dev.distillery.judges.spi.PairwiseVerdict;

import java.util.Collection;

/**
 * How often a batch of swapped pairwise verdicts agreed across the two position orders. Published figures for GPT-4
 * as a judge range from 65% (zero-shot) to 84%; a judge that gates data should reach about 80%.
 *
 * <pre>{@code SwapConsistency s = SwapConsistency.of(verdicts); System.out.println(s.rate());}</pre>
 *
 * @param verdicts   all verdicts looked at
 * @param swapped    decided verdicts that were asked in both orders (those with a swapConsistent flag)
 * @param consistent of those, how many agreed across the orders
 * @param failed     verdicts that are failures
 */
public record SwapConsistency(int verdicts, int swapped, int consistent, int failed) {

    public static SwapConsistency of(Collection<? extends PairwiseVerdict> verdicts) {
        int swapped = 0;
        int consistent = 0;
        int failed = 0;
        for (PairwiseVerdict v : verdicts) {
            switch (v) {
                case PairwiseVerdict.Decided d when d.swapConsistent() != null -> {
                    swapped++;
                    if (d.swapConsistent()) consistent++;
                }
                case PairwiseVerdict.Decided d -> {
                    // asked in one order only: says nothing about consistency
                }
                case PairwiseVerdict.Failed f -> failed++;
            }
        }
        return new SwapConsistency(verdicts.size(), swapped, consistent, failed);
    }

    /** consistent / swapped; NaN when no verdict was asked in both orders. */
    public double rate() {
        return swapped == 0 ? Double.NaN : (double) consistent / swapped;
    }
}
