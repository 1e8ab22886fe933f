package dev.distillery.judges.report;

import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Spearman's rho and Kendall's tau-b. On raw values they are Commons Math's ({@link SpearmansCorrelation} with
 * average ranks for ties, {@link KendallsCorrelation} which is tau-b). The report card's bootstrap also needs them for
 * a thousand resamples of a contingency table of ordinal scores; computing them from the table (mid-ranks per
 * category, concordant pairs by 2-D suffix sums) gives the same numbers in {@code O(k^2)} instead of
 * {@code O(n log n)} per resample. The tests hold both paths to each other.
 *
 * <pre>{@code
 * double rho = RankCorrelation.spearman(judgeScores, humanScores);
 * }</pre>
 */
public final class RankCorrelation {

    private RankCorrelation() {
    }

    /** Spearman's rho with tied values given their average rank; NaN when either side is constant. */
    public static double spearman(double[] x, double[] y) {
        if (x.length < 2) return Double.NaN;
        return new SpearmansCorrelation().correlation(x, y);
    }

    /** Kendall's tau-b; NaN when either side is constant. */
    public static double kendallTauB(double[] x, double[] y) {
        if (x.length < 2) return Double.NaN;
        return new KendallsCorrelation().correlation(x, y);
    }

    /**
     * Spearman's rho of the items counted in {@code table}: Pearson's correlation of mid-ranks, where every item in
     * row category i has the mid-rank of that category.
     *
     * @param table row-major {@code rows x cols} counts; categories in ascending value order
     */
    public static double spearman(long[] table, int rows, int cols) {
        double[] rowTotals = new double[rows];
        double[] colTotals = new double[cols];
        double n = totals(table, rows, cols, rowTotals, colTotals);
        if (n < 2) return Double.NaN;
        double mean = (n + 1) / 2;
        double[] rowRank = midRanks(rowTotals, mean);
        double[] colRank = midRanks(colTotals, mean);
        double cov = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) cov += table[i * cols + j] * rowRank[i] * colRank[j];
        }
        double vx = 0;
        double vy = 0;
        for (int i = 0; i < rows; i++) vx += rowTotals[i] * rowRank[i] * rowRank[i];
        for (int j = 0; j < cols; j++) vy += colTotals[j] * colRank[j] * colRank[j];
        return vx == 0 || vy == 0 ? Double.NaN : cov / Math.sqrt(vx * vy);
    }

    /**
     * Kendall's tau-b of the items counted in {@code table}: {@code (P - Q) / sqrt((n0 - n1)(n0 - n2))} with P and Q
     * the concordant and discordant pairs, {@code n0 = n(n-1)/2} and n1, n2 the pairs tied within rows, columns.
     */
    public static double kendallTauB(long[] table, int rows, int cols) {
        double[] rowTotals = new double[rows];
        double[] colTotals = new double[cols];
        double n = totals(table, rows, cols, rowTotals, colTotals);
        if (n < 2) return Double.NaN;
        double concordant = 0;
        double discordant = 0;
        // Walk rows from the bottom: colCum[j] counts items in column j of the rows below the current one, so pairs
        // (i, j) x (i' > i, j' > j) are concordant and (i, j) x (i' > i, j' < j) discordant.
        double[] colCum = new double[cols];
        for (int i = rows - 1; i >= 0; i--) {
            double suffix = 0;
            for (int j = cols - 1; j >= 0; j--) {
                concordant += table[i * cols + j] * suffix;
                suffix += colCum[j];
            }
            double prefix = 0;
            for (int j = 0; j < cols; j++) {
                discordant += table[i * cols + j] * prefix;
                prefix += colCum[j];
            }
            for (int j = 0; j < cols; j++) colCum[j] += table[i * cols + j];
        }
        double n0 = n * (n - 1) / 2;
        double n1 = 0;
        double n2 = 0;
        for (double r : rowTotals) n1 += r * (r - 1) / 2;
        for (double c : colTotals) n2 += c * (c - 1) / 2;
        double denominator = Math.sqrt((n0 - n1) * (n0 - n2));
        return denominator == 0 ? Double.NaN : (concordant - discordant) / denominator;
    }

    private static double totals(long[] table, int rows, int cols, double[] rowTotals, double[] colTotals) {
        double n = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                long c = table[i * cols + j];
                rowTotals[i] += c;
                colTotals[j] += c;
                n += c;
            }
        }
        return n;
    }

    /** Mid-rank of each category minus the mean rank: items before it plus (count + 1) / 2. */
    private static double[] midRanks(double[] totals, double mean) {
        double[] ranks = new double[totals.length];
        double before = 0;
        for (int i = 0; i < totals.length; i++) {
            ranks[i] = before + (totals[i] + 1) / 2 - mean;
            before += totals[i];
        }
        return ranks;
    }
}
