package dev.distillery.orchestrator.judging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The distribution of one score over a stage's records, binned on the server so a page draws it as it comes. A score
 * with few distinct values (a verifier's 0/1, a 1-10 grade, a label) gets one bar per value ({@code counts}, each bar
 * with {@code lower == upper}); anything else (a reward model's float) gets {@code bins} equal-width bars between the
 * smallest and the largest value, the last bar closed on both sides.
 *
 * <pre>{@code
 * ScoreHistogram h = ScoreHistogram.of(new double[] {1, 0, 1}, 3, 12, 20);   // counts: 0 -> 1, 1 -> 2
 * }</pre>
 *
 * @param kind {@code counts} or {@code bins}
 * @param bars in ascending order; their counts add up to the number of values
 */
public record ScoreHistogram(String kind, List<Bar> bars) {

    public static final String COUNTS = "counts";
    public static final String BINS = "bins";

    public ScoreHistogram {
        bars = List.copyOf(bars);
    }

    /** One bar: values in {@code [lower, upper)} (the last bin includes {@code upper}), or equal to it for counts. */
    public record Bar(double lower, double upper, long count) {
    }

    /**
     * @param values        the first {@code n} entries are the scores (NaN never passed in)
     * @param maxCategories at most this many distinct values are drawn one bar each
     * @param bins          bars of a continuous score
     */
    static ScoreHistogram of(double[] values, int n, int maxCategories, int bins) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        List<Bar> bars = new ArrayList<>();
        int distinct = 0;
        for (int i = 0; i < n; i++) if (i == 0 || sorted[i] != sorted[i - 1]) distinct++;
        if (distinct <= maxCategories) {
            for (int i = 0; i < n; ) {
                int j = i;
                while (j < n && sorted[j] == sorted[i]) j++;
                bars.add(new Bar(sorted[i], sorted[i], j - i));
                i = j;
            }
            return new ScoreHistogram(COUNTS, bars);
        }
        double min = sorted[0];
        double max = sorted[n - 1];
        double width = (max - min) / bins;
        long[] counts = new long[bins];
        for (int i = 0; i < n; i++) counts[Math.min((int) ((sorted[i] - min) / width), bins - 1)]++;
        for (int b = 0; b < bins; b++) {
            bars.add(new Bar(min + b * width, b == bins - 1 ? max : min + (b + 1) * width, counts[b]));
        }
        return new ScoreHistogram(BINS, bars);
    }
}
