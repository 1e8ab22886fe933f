package dev.distillery.judges.select;

/**
 * What a {@link Selection} did.
 *
 * @param read         records read
 * @param kept         records that passed
 * @param dropped      records that failed the policy
 * @param missingScore records without the policy's score (absent or NaN); sent to the dropped sink as well
 * @param cutoff       the lowest kept score for top-k and quantile selections (for top-k, over all groups); the
 *                     threshold itself for a threshold; NaN when nothing was kept
 */
public record SelectionReport(long read, long kept, long dropped, long missingScore, double cutoff) {
}
