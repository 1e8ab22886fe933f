package dev.distillery.judges.report;

import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Spearman's rho and Kendall's tau-b. On raw values they are Commons Math's ({@link SpearmansCorrelation} with
 * average ranks for ties, {@link KendallsCorrelation} which is tau-b). The report card's bootstrap also needs them for
 * a thousand resamples of a contingency table of ordinal scores; computing them from the table (mid-ranks per
 * category, concordant pairs by 2-D suffix sums) gives the same numbers in {@code O(k^2)} instead of
 * {@code O(n log n)} per resample. Continuous scores have no small table; there a resample is a vector of item weights
 * (how often each item was drawn) over items whose values were ranked once, so Spearman is one {@code O(n)} pass over
 * weighted mid-ranks and Kendall one Fenwick-tree sweep, with no sorting per resample. The tests hold every path to
 * Commons Math.
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

    /**
     * Items ranked once for weighted resampling: each item's value replaced by the index of its distinct value on
     * each side, and the items in ascending x order.
     */
    record Ranked(int[] xCat, int[] yCat, int dx, int dy, int[] xOrder) {

        /** Ranks {@code x} and {@code y} (same length, no NaN). */
        static Ranked of(double[] x, double[] y) {
            int n = x.length;
            int[] xCat = new int[n];
            int[] yCat = new int[n];
            int dx = categories(x, xCat);
            int dy = categories(y, yCat);
            // Counting sort by x category: the sweep order of the Kendall count.
            int[] start = new int[dx + 1];
            for (int c : xCat) start[c + 1]++;
            for (int c = 0; c < dx; c++) start[c + 1] += start[c];
            int[] xOrder = new int[n];
            for (int i = 0; i < n; i++) xOrder[start[xCat[i]]++] = i;
            return new Ranked(xCat, yCat, dx, dy, xOrder);
        }

        private static int categories(double[] v, int[] out) {
            Integer[] idx = new Integer[v.length];
            for (int i = 0; i < v.length; i++) idx[i] = i;
            java.util.Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
            int c = -1;
            double last = Double.NaN;
            for (Integer i : idx) {
                if (c < 0 || v[i] != last) {
                    c++;
                    last = v[i];
                }
                out[i] = c;
            }
            return c + 1;
        }

        /** Spearman's rho of the sample holding item i {@code w[i]} times. */
        double spearman(int[] w) {
            double[] wx = new double[dx];
            double[] wy = new double[dy];
            double n = 0;
            for (int i = 0; i < w.length; i++) {
                if (w[i] == 0) continue;
                wx[xCat[i]] += w[i];
                wy[yCat[i]] += w[i];
                n += w[i];
            }
            if (n < 2) return Double.NaN;
            double mean = (n + 1) / 2;
            double[] rx = midRanks(wx, mean);
            double[] ry = midRanks(wy, mean);
            double cov = 0;
            for (int i = 0; i < w.length; i++) if (w[i] != 0) cov += w[i] * rx[xCat[i]] * ry[yCat[i]];
            double vx = 0;
            double vy = 0;
            for (int c = 0; c < dx; c++) vx += wx[c] * rx[c] * rx[c];
            for (int c = 0; c < dy; c++) vy += wy[c] * ry[c] * ry[c];
            return vx == 0 || vy == 0 ? Double.NaN : cov / Math.sqrt(vx * vy);
        }

        /**
         * Kendall's tau-b of the sample holding item i {@code w[i]} times: items swept in ascending x, a Fenwick tree
         * over y categories holding the weight of items with smaller x. A whole group of equal x is queried before
         * any of it is inserted, so pairs tied in x (copies of one item included) count as neither.
         */
        double kendallTauB(int[] w) {
            long[] tree = new long[dy + 1];
            long inserted = 0;
            long concordant = 0;
            long discordant = 0;
            long n = 0;
            double tiesX = 0;
            double[] wy = new double[dy];
            int at = 0;
            while (at < xOrder.length) {
                int group = xCat[xOrder[at]];
                int end = at;
                long groupWeight = 0;
                while (end < xOrder.length && xCat[xOrder[end]] == group) {
                    int i = xOrder[end++];
                    if (w[i] == 0) continue;
                    long below = prefix(tree, yCat[i]);
                    long notAbove = prefix(tree, yCat[i] + 1);
                    concordant += w[i] * below;
                    discordant += w[i] * (inserted - notAbove);
                    groupWeight += w[i];
                    wy[yCat[i]] += w[i];
                }
                for (int k = at; k < end; k++) {
                    int i = xOrder[k];
                    if (w[i] != 0) add(tree, yCat[i], w[i]);
                }
                inserted += groupWeight;
                n += groupWeight;
                tiesX += groupWeight * (groupWeight - 1.0) / 2;
                at = end;
            }
            if (n < 2) return Double.NaN;
            double tiesY = 0;
            for (double c : wy) tiesY += c * (c - 1) / 2;
            double n0 = n * (n - 1.0) / 2;
            double denominator = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
            return denominator == 0 ? Double.NaN : (concordant - discordant) / denominator;
        }

        /** Sum of the weights in categories {@code < c}. */
        private static long prefix(long[] tree, int c) {
            long s = 0;
            for (int i = c; i > 0; i -= i & -i) s += tree[i];
            return s;
        }

        private static void add(long[] tree, int c, long w) {
            for (int i = c + 1; i < tree.length; i += i & -i) tree[i] += w;
        }
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
