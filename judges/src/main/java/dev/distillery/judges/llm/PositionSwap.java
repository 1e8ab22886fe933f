package dev.distillery.judges.llm;

import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;
import dev.distillery.judges.spi.PairwiseVerdict.Winner;

import java.util.Objects;

/**
 * Asks a pairwise judge twice, once with the answers swapped, and combines the two verdicts the FastChat way: when
 * both orders pick the same answer that answer wins ({@code swapConsistent = true}); when they disagree the result
 * is a {@link Winner#TIE} with {@code swapConsistent = false}, because a verdict that follows the position says
 * nothing about the answers. Works with any {@link PairwiseJudge}.
 *
 * <pre>{@code PairwiseJudge fair = new PositionSwap(oneOrderJudge);}</pre>
 */
public final class PositionSwap implements PairwiseJudge {
    private final PairwiseJudge inner;

    public PositionSwap(PairwiseJudge inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public PairwiseVerdict compare(PairInput input) {
        if (input == null) return new PairwiseVerdict.Failed(name(), "nothing to compare: no input", null);
        PairwiseVerdict asGiven = safeCompare(input);
        if (asGiven instanceof PairwiseVerdict.Failed f) {
            return new PairwiseVerdict.Failed(name(), "order (first, second): " + f.reason(), f.rawOutput());
        }
        PairwiseVerdict swapped = safeCompare(new PairInput(input.prompt(), input.second(), input.first(), input.reference()));
        if (swapped instanceof PairwiseVerdict.Failed f) {
            return new PairwiseVerdict.Failed(name(), "order (second, first): " + f.reason(), f.rawOutput());
        }
        return combine(name(), (PairwiseVerdict.Decided) asGiven, (PairwiseVerdict.Decided) swapped);
    }

    /**
     * The combined verdict of one order and the swapped order; {@code swapped}'s winner is in swapped positions.
     */
    public static PairwiseVerdict.Decided combine(String judge, PairwiseVerdict.Decided asGiven,
                                                  PairwiseVerdict.Decided swapped) {
        Winner first = asGiven.winner();
        Winner second = mapBack(swapped.winner());
        boolean consistent = first == second;
        Winner winner = consistent ? first : Winner.TIE;
        String rationale = "order (first, second): " + first + "; order (second, first), mapped back: " + second
                + (consistent ? " -> consistent" : " -> inconsistent, counted as a tie")
                + "\n--- order (first, second) ---\n" + nullToEmpty(asGiven.rationale())
                + "\n--- order (second, first) ---\n" + nullToEmpty(swapped.rationale());
        return new PairwiseVerdict.Decided(judge, winner, consistent, rationale);
    }

    /** A winner named in swapped positions, named in the original positions. */
    public static Winner mapBack(Winner inSwappedOrder) {
        return switch (inSwappedOrder) {
            case FIRST -> Winner.SECOND;
            case SECOND -> Winner.FIRST;
            case TIE -> Winner.TIE;
        };
    }

    private PairwiseVerdict safeCompare(PairInput input) {
        try {
            PairwiseVerdict v = inner.compare(input);
            return v != null ? v : new PairwiseVerdict.Failed(name(), "the judge returned no verdict", null);
        } catch (RuntimeException e) {
            // The SPI says judges do not throw; a plugin that does must not take the batch down.
            return new PairwiseVerdict.Failed(name(), "judge threw " + JudgeCall.describe(e), null);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
