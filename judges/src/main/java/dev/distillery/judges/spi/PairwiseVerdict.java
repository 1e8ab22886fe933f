package dev.distillery.judges.spi;

/** What a {@link PairwiseJudge} says about two answers: a winner (or a tie), or a recorded failure. */
public sealed interface PairwiseVerdict permits PairwiseVerdict.Decided, PairwiseVerdict.Failed {

    String judge();

    enum Winner { FIRST, SECOND, TIE }

    /**
     * @param winner         which answer won; TIE also when the two position orders disagreed
     * @param swapConsistent whether both position orders agreed; null when only one order was asked
     * @param rationale      why; may be null
     */
    record Decided(String judge, Winner winner, Boolean swapConsistent, String rationale) implements PairwiseVerdict {
    }

    record Failed(String judge, String reason, String rawOutput) implements PairwiseVerdict {
    }
}
