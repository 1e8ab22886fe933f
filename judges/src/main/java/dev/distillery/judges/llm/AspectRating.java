package dev.distillery.judges.llm;

/**
 * One aspect's rating in a multi-aspect verdict.
 *
 * @param rating    1 to 5, or null when the judge answered N/A (UltraFeedback allows it for creative writing)
 * @param rationale the judge's reason for this aspect; may be null
 */
public record AspectRating(Double rating, String rationale) {

    public boolean notApplicable() {
        return rating == null;
    }
}
