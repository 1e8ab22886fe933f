package dev.distillery.judges.llm;

import dev.distillery.judges.spi.PairwiseVerdict;

import java.util.Collection;

/**
 * How often a batch of swapped pairwise verdicts agreed across the two position orders: GPT-4 keeps its verdict
 * after a swap only 65–84% of the time, and a judge below ~80% is mostly reporting positions.
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
