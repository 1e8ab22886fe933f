package dev.distillery.judges.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgreementTest {

    /**
     * The textbook 2x2 example (Wikipedia, "Cohen's kappa"): 50 proposals, A and B both say yes to 20, A yes / B no
     * to 5, A no / B yes to 10, both no to 15. p_o = 35/50 = 0.7; A says yes 25/50, B 30/50, so
     * p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5 and kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
     */
    @Test
    void cohenKappaOfTheTextbookTable() {
        assertEquals(0.4, Agreement.cohenKappa(new long[][] {{20, 5}, {10, 15}}), 1e-12);
    }

    @Test
    void cohenKappaIsOneOnPerfectAgreementAndUndefinedWhenEverythingIsOneCategory() {
        assertEquals(1.0, Agreement.cohenKappa(new long[][] {{7, 0}, {0, 3}}), 1e-12);
        // p_e = 1: chance alone explains the agreement, so kappa has no value.
        assertTrue(Double.isNaN(Agreement.cohenKappa(new long[][] {{9, 0}, {0, 0}})));
    }

    /**
     * Ordinal scale 1..3, judge rows against reference columns:
     * <pre>
     *        1  2  3
     *   1  [ 2, 1, 0 ]    rows r = (3, 3, 4), columns c = (3, 3, 4), N = 10
     *   2  [ 0, 2, 1 ]
     *   3  [ 1, 0, 3 ]
     * </pre>
     * Quadratic agreement weights: w = 1 on the diagonal, 1 - (1/2)^2 = 0.75 one step off, 0 two steps off.
     * p_o = (7 * 1 + 2 * 0.75 + 1 * 0) / 10 = 0.85.
     * sum w r_i c_j = (9 + 6.75 + 0) + (6.75 + 9 + 9) + (0 + 9 + 16) = 65.5, p_e = 0.655.
     * kappa_q = (0.85 - 0.655) / 0.345 = 0.565217...
     * Linear weights (0.5 one step off): p_o = (7 + 1) / 10 = 0.8; sum = 13.5 + 19.5 + 22 = 55, p_e = 0.55;
     * kappa_l = 0.25 / 0.45 = 0.5556. Unweighted: p_o = 0.7, p_e = 34/100, kappa = 0.36 / 0.66 = 0.5455.
     */
    @Test
    void weightedKappaOnASmallOrdinalTable() {
        long[][] t = {{2, 1, 0}, {0, 2, 1}, {1, 0, 3}};
        double[] values = {1, 2, 3};
        assertEquals(0.195 / 0.345, Agreement.weightedKappa(t, values, Agreement.Weighting.QUADRATIC), 1e-12);
        assertEquals(0.25 / 0.45, Agreement.weightedKappa(t, values, Agreement.Weighting.LINEAR), 1e-12);
        assertEquals(0.36 / 0.66, Agreement.cohenKappa(t), 1e-12);
    }

    /**
     * Distances come from the category values, not their positions: the same table with values 1, 2, 4 (a scale
     * where 3 never occurred) puts 2 and 4 two thirds of the range apart. With disagreements d = ((vi - vj) / 3)^2:
     * 1/9 for (1,2), 4/9 for (2,4), 1 for (1,4). kappa_w = 1 - sum d O / sum d E, E = r c / N:
     * sum d O = 1/9 + 4/9 + 1 = 14/9; sum d E = (0.9 + 0.9)/9 + (1.2 + 1.2) * 1 + (1.2 + 1.2) * 4/9 = 11/3;
     * kappa_w = 1 - (14/9) / (11/3) = 0.575757...
     */
    @Test
    void weightedKappaMeasuresDistancesOnTheValues() {
        long[][] t = {{2, 1, 0}, {0, 2, 1}, {1, 0, 3}};
        double k = Agreement.weightedKappa(t, new double[] {1, 2, 4}, Agreement.Weighting.QUADRATIC);
        assertEquals(1 - (14.0 / 9) / (11.0 / 3), k, 1e-12);
    }

    /**
     * Wikipedia's worked example for Fleiss' kappa: 10 subjects, 14 raters, 5 categories. P-bar = 0.378,
     * P-bar_e = 0.213 (p_j = 0.143, 0.200, 0.279, 0.150, 0.229), kappa = 0.210 (exactly 0.2099307...).
     */
    @Test
    void fleissKappaOfTheWikipediaExample() {
        long[][] counts = {
                {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
                {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
        double k = Agreement.fleissKappa(counts);
        assertEquals(0.210, k, 5e-4);
        assertEquals(0.20993070442195522, k, 1e-12);
    }

    @Test
    void fleissKappaRejectsItemsWithDifferentRaterCounts() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Agreement.fleissKappa(new long[][] {{1, 2}, {2, 2}}));
        assertTrue(e.getMessage().contains("item 1 has 4 ratings"), e.getMessage());
    }
}
