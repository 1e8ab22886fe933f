package dev.distillery.judges.jury;

/** How a {@link Jury} turns its jurors' scores into one. */
public enum Aggregation {
    /** The arithmetic mean; agreement counts votes within the tolerance of it. */
    MEAN,
    /** The median (mean of the middle two for an even count); robust to one outlying juror. */
    MEDIAN,
    /**
     * The most frequent score, for discretised scales (verifier 0/1, rubric 1-5). Two scores tied for most frequent is
     * no majority, which is a recorded failure rather than a coin flip; an odd jury avoids most ties.
     */
    MAJORITY
}
