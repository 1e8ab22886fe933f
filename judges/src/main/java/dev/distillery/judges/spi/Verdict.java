package dev.distillery.judges.spi;

import dev.distillery.datasets.model.Score;

/**
 * What a {@link Judge} or {@link Verifier} says about one answer: a score with its rationale, or a recorded failure.
 * A verdict that cannot be parsed is a {@link Failed}, never a default score.
 */
public sealed interface Verdict permits Verdict.Scored, Verdict.Failed {

    /** The identity of the judge that gave the verdict, e.g. {@code single-grade:gpt-4o-mini}. */
    String judge();

    /**
     * @param score     on the judge's own scale (a verifier uses 0 or 1; single-answer grading 1 to 10)
     * @param rationale why, in the judge's words; may be null
     */
    record Scored(String judge, double score, String rationale) implements Verdict {
        public Score toScore() {
            return new Score(score, rationale);
        }
    }

    /**
     * @param reason    why no score could be given (unparseable verdict, model call failed, ...)
     * @param rawOutput what the model said, for the record; may be null
     */
    record Failed(String judge, String reason, String rawOutput) implements Verdict {
    }
}
