package dev.distillery.judges.report;

/**
 * Chance-corrected agreement: Cohen's kappa (unweighted and weighted) between two raters, Fleiss' kappa for a jury.
 * Commons Math has none of these, so they are written out here from their definitions (see
 * {@code docs/judge-report.md}). An undefined value (chance agreement of 1, every rating in one category) is NaN.
 *
 * <pre>{@code
 * double k = Agreement.cohenKappa(new long[][] {{20, 5}, {10, 15}});   // 0.4
 * }</pre>
 */
public final class Agreement {

    /** How far apart two ordinal categories are, as a share of the scale's range. */
    public enum Weighting {
        /** Disagreement {@code |vi - vj| / range}. */
        LINEAR(1),
        /** Disagreement {@code ((vi - vj) / range)^2}: the usual QWK. */
        QUADRATIC(2);

        final int power;

        Weighting(int power) {
            this.power = power;
        }
    }

    private Agreement() {
    }

    /**
     * Cohen's kappa {@code (p_o - p_e) / (1 - p_e)} with {@code p_e = sum_k p1(k) p2(k)} from the marginals.
     *
     * @param table {@code table[i][j]} = items rater 1 put in category i and rater 2 in category j (square)
     */
    public static double cohenKappa(long[][] table) {
        return cohenKappa(flatten(table), table.length);
    }

    /**
     * Weighted kappa with agreement weights {@code w_ij = 1 - (|v_i - v_j| / (v_max - v_min))^p}: {@code p_o = sum
     * w_ij O_ij / N}, {@code p_e = sum w_ij r_i c_j / N^2}. Distances come from the category values, so a 1-5 scale
     * with no 3s observed still counts 2 against 4 as two steps apart. (The range itself cancels out:
     * {@code kappa_w = 1 - sum d_ij O_ij / sum d_ij E_ij} for disagreements {@code d = 1 - w}, so any scale gives the
     * same value.)
     *
     * @param values the category values in ascending order, one per row/column of {@code table}
     */
    public static double weightedKappa(long[][] table, double[] values, Weighting weighting) {
        if (values.length != table.length) throw new IllegalArgumentException(values.length + " values for "
                + table.length + " categories");
        return weightedKappa(flatten(table), values, weighting);
    }

    /**
     * Fleiss' kappa: {@code P_i = sum_j n_ij (n_ij - 1) / (n (n - 1))}, {@code P = mean P_i}, {@code p_j = sum_i n_ij /
     * (N n)}, {@code P_e = sum_j p_j^2}, kappa {@code = (P - P_e) / (1 - P_e)}.
     *
     * @param counts {@code counts[i][j]} = raters who put item i in category j; every row sums to the same n >= 2
     */
    public static double fleissKappa(long[][] counts) {
        if (counts.length == 0) return Double.NaN;
        int categories = counts[0].length;
        long raters = -1;
        double sumP = 0;
        long[] totals = new long[categories];
        for (int i = 0; i < counts.length; i++) {
            long n = 0;
            long agreeing = 0;
            for (int j = 0; j < categories; j++) {
                n += counts[i][j];
                agreeing += counts[i][j] * (counts[i][j] - 1);
                totals[j] += counts[i][j];
            }
            if (raters < 0) raters = n;
            if (n != raters) {
                throw new IllegalArgumentException("item " + i + " has " + n + " ratings, item 0 has " + raters
                        + "; Fleiss' kappa needs the same number of raters for every item");
            }
            if (n < 2) throw new IllegalArgumentException("Fleiss' kappa needs at least 2 raters per item");
            sumP += (double) agreeing / (n * (n - 1));
        }
        return fleissKappa(sumP, counts.length, totals, (int) raters);
    }

    static double fleissKappa(double sumP, long items, long[] categoryTotals, int raters) {
        if (items == 0) return Double.NaN;
        double pBar = sumP / items;
        double pe = 0;
        for (long t : categoryTotals) {
            double pj = (double) t / ((double) items * raters);
            pe += pj * pj;
        }
        return chanceCorrected(pBar, pe);
    }

    /** {@code table} flat, row-major, {@code k x k}. */
    static double cohenKappa(long[] table, int k) {
        double n = 0;
        double diag = 0;
        double[] rows = new double[k];
        double[] cols = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                long c = table[i * k + j];
                n += c;
                rows[i] += c;
                cols[j] += c;
                if (i == j) diag += c;
            }
        }
        if (n == 0) return Double.NaN;
        double pe = 0;
        for (int i = 0; i < k; i++) pe += (rows[i] / n) * (cols[i] / n);
        return chanceCorrected(diag / n, pe);
    }

    static double weightedKappa(long[] table, double[] values, Weighting weighting) {
        int k = values.length;
        double range = k == 0 ? 0 : values[k - 1] - values[0];
        if (!(range > 0)) return Double.NaN;
        double n = 0;
        double[] rows = new double[k];
        double[] cols = new double[k];
        double observed = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                long c = table[i * k + j];
                if (c == 0) continue;
                n += c;
                rows[i] += c;
                cols[j] += c;
                observed += weight(values[i], values[j], range, weighting) * c;
            }
        }
        if (n == 0) return Double.NaN;
        double expected = 0;
        for (int i = 0; i < k; i++) {
            if (rows[i] == 0) continue;
            for (int j = 0; j < k; j++) expected += weight(values[i], values[j], range, weighting) * rows[i] * cols[j];
        }
        return chanceCorrected(observed / n, expected / (n * n));
    }

    private static double weight(double a, double b, double range, Weighting weighting) {
        double d = Math.abs(a - b) / range;
        return 1 - (weighting.power == 1 ? d : d * d);
    }

    private static double chanceCorrected(double po, double pe) {
        // 1 - p_e == 0 means chance alone explains perfect agreement: kappa is undefined, not 0 or 1.
        return 1 - pe <= 1e-12 ? Double.NaN : (po - pe) / (1 - pe);
    }

    private static long[] flatten(long[][] table) {
        int k = table.length;
        long[] flat = new long[k * k];
        for (int i = 0; i < k; i++) {
            if (table[i].length != k) throw new IllegalArgumentException("table must be square, row " + i
                    + " has " + table[i].length + " cells for " + k + " rows");
            System.arraycopy(table[i], 0, flat, i * k, k);
        }
        return flat;
    }
}
