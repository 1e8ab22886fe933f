package dev.distillery.judges.report;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankCorrelationTest {

    /**
     * x = 1..5, y = (2, 1, 4, 3, 5). No ties. Rank differences d = (-1, 1, -1, 1, 0), sum d^2 = 4, so
     * rho = 1 - 6 * 4 / (5 * 24) = 0.8. Of the 10 pairs, (1,2) and (3,4) are discordant: tau = (8 - 2) / 10 = 0.6.
     */
    @Test
    void withoutTies() {
        double[] x = {1, 2, 3, 4, 5};
        double[] y = {2, 1, 4, 3, 5};
        assertEquals(0.8, RankCorrelation.spearman(x, y), 1e-12);
        assertEquals(0.6, RankCorrelation.kendallTauB(x, y), 1e-12);
        long[] table = table(x, y, 5, 1);
        assertEquals(0.8, RankCorrelation.spearman(table, 5, 5), 1e-12);
        assertEquals(0.6, RankCorrelation.kendallTauB(table, 5, 5), 1e-12);
    }

    /**
     * x = (1, 1, 2, 3), y = (1, 2, 2, 3). Average ranks: x (1.5, 1.5, 3, 4), y (1, 2.5, 2.5, 4); centred on 2.5:
     * dx = (-1, -1, 0.5, 1.5), dy = (-1.5, 0, 0, 1.5). rho = 3.75 / sqrt(4.5 * 4.5) = 0.8333.
     * Pairs: (1,2) tied in x, (2,3) tied in y, the other 4 concordant, none discordant. n0 = 6, n1 = n2 = 1:
     * tau-b = 4 / sqrt(5 * 5) = 0.8.
     */
    @Test
    void withTies() {
        double[] x = {1, 1, 2, 3};
        double[] y = {1, 2, 2, 3};
        assertEquals(3.75 / 4.5, RankCorrelation.spearman(x, y), 1e-12);
        assertEquals(0.8, RankCorrelation.kendallTauB(x, y), 1e-12);
        long[] table = table(x, y, 3, 1);
        assertEquals(3.75 / 4.5, RankCorrelation.spearman(table, 3, 3), 1e-12);
        assertEquals(0.8, RankCorrelation.kendallTauB(table, 3, 3), 1e-12);
    }

    /** The contingency-table path the bootstrap uses agrees with Commons Math on tied ordinal data. */
    @Test
    void tablePathAgreesWithCommonsMathOnOrdinalScores() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 500;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1 + rnd.nextInt(5);
            y[i] = Math.max(1, Math.min(5, x[i] + rnd.nextInt(3) - 1));
        }
        long[] table = table(x, y, 5, 1);
        double rho = RankCorrelation.spearman(x, y);
        double tau = RankCorrelation.kendallTauB(x, y);
        assertTrue(rho > 0.5 && tau > 0.4, rho + " " + tau);
        assertEquals(rho, RankCorrelation.spearman(table, 5, 5), 1e-12);
        assertEquals(tau, RankCorrelation.kendallTauB(table, 5, 5), 1e-12);
    }

    /**
     * The weighted path the bootstrap uses for continuous scores: a sample that holds item i w[i] times (w from 0 to
     * 3) gives exactly what Commons Math gives on the expanded sample. Values have ties on both sides (rounded to
     * 0.05) and copies of one item are tied pairs, the cases tau-b corrects for.
     */
    @Test
    void weightedPathAgreesWithCommonsMathOnTheExpandedSample() {
        SplittableRandom rnd = new SplittableRandom(4);
        int n = 400;
        double[] x = new double[n];
        double[] y = new double[n];
        int[] w = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            x[i] = Math.round(rnd.nextDouble() * 20) / 20.0;
            y[i] = Math.round((x[i] + 0.3 * rnd.nextGaussian()) * 20) / 20.0;
            w[i] = rnd.nextInt(4);
            total += w[i];
        }
        double[] ex = new double[total];
        double[] ey = new double[total];
        int at = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < w[i]; c++) {
                ex[at] = x[i];
                ey[at++] = y[i];
            }
        }
        RankCorrelation.Ranked ranked = RankCorrelation.Ranked.of(x, y);
        double rho = RankCorrelation.spearman(ex, ey);
        double tau = RankCorrelation.kendallTauB(ex, ey);
        assertTrue(rho > 0.3 && tau > 0.2, rho + " " + tau);
        assertEquals(rho, ranked.spearman(w), 1e-12);
        assertEquals(tau, ranked.kendallTauB(w), 1e-12);

        // The hand example with ties above, every item once.
        RankCorrelation.Ranked small = RankCorrelation.Ranked.of(new double[] {1, 1, 2, 3}, new double[] {1, 2, 2, 3});
        assertEquals(3.75 / 4.5, small.spearman(new int[] {1, 1, 1, 1}), 1e-12);
        assertEquals(0.8, small.kendallTauB(new int[] {1, 1, 1, 1}), 1e-12);
    }

    @Test
    void constantSideIsUndefined() {
        assertTrue(Double.isNaN(RankCorrelation.spearman(new long[] {3, 4, 0, 0}, 2, 2)));
        assertTrue(Double.isNaN(RankCorrelation.kendallTauB(new long[] {3, 4, 0, 0}, 2, 2)));
    }

    /** Counts of (x, y) with integer values starting at {@code min}, in a {@code k x k} table. */
    private static long[] table(double[] x, double[] y, int k, int min) {
        long[] t = new long[k * k];
        for (int i = 0; i < x.length; i++) t[((int) x[i] - min) * k + (int) y[i] - min]++;
        return t;
    }
}
