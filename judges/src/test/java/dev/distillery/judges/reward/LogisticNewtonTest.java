package dev.distillery.judges.reward;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogisticNewtonTest {

    @Test
    void firstNewtonStepMatchesTheHandComputedStep() {
        // From w = 0 every p_i is 1/2, so g = Σ (1/2 − y_i) x_i + 0 and H = (1/4) Σ x_i x_iᵀ + λ I.
        double[][] x = {{1, 2}, {-1, 0.5}, {0.5, -1}};
        double[] y = {1, 0, 1};
        double lambda = 0.5;
        double g0 = 0, g1 = 0, h00 = lambda, h01 = 0, h11 = lambda;
        for (int i = 0; i < 3; i++) {
            g0 += (0.5 - y[i]) * x[i][0];
            g1 += (0.5 - y[i]) * x[i][1];
            h00 += 0.25 * x[i][0] * x[i][0];
            h01 += 0.25 * x[i][0] * x[i][1];
            h11 += 0.25 * x[i][1] * x[i][1];
        }
        double det = h00 * h11 - h01 * h01;
        double[] expected = {-(h11 * g0 - h01 * g1) / det, -(-h01 * g0 + h00 * g1) / det};

        LogisticFit fit = LogisticNewton.fit(x, y, null, new LogisticNewton.Options(lambda, 1e-300, 1));

        assertEquals(1, fit.iterations());
        assertArrayEquals(expected, fit.weights(), 1e-12);
    }

    @Test
    void oneDimensionalOptimumMatchesBisectionOnTheScalarEquation() {
        // One row x = 1, y = 1, λ = 1: the optimum solves σ(w) − 1 + w = 0.
        double lo = -5, hi = 5;
        for (int k = 0; k < 200; k++) {
            double mid = (lo + hi) / 2;
            if (LogisticNewton.sigmoid(mid) - 1 + mid > 0) hi = mid; else lo = mid;
        }
        LogisticFit fit = LogisticNewton.fit(new double[][] {{1}}, new double[] {1}, null, LogisticNewton.Options.DEFAULT);
        assertTrue(fit.converged());
        assertEquals((lo + hi) / 2, fit.weights()[0], 1e-12);
    }

    @Test
    void analyticGradientAgreesWithFiniteDifferences() {
        Random random = new Random(11);
        int n = 40, d = 6;
        double[][] x = new double[n][d];
        double[] y = new double[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i][j] = random.nextGaussian();
            y[i] = random.nextDouble(); // soft labels exercise the general formula
            s[i] = random.nextInt(3);
        }
        double[] w = new double[d];
        for (int j = 0; j < d; j++) w[j] = random.nextGaussian() * 0.3;
        double lambda = 0.7;
        double[] z = new double[n];
        double[] grad = new double[d];
        LogisticNewton.objective(x, y, s, w, lambda, z);
        LogisticNewton.gradient(x, y, s, w, lambda, z, grad);
        double h = 1e-6;
        for (int j = 0; j < d; j++) {
            double[] up = w.clone(), down = w.clone();
            up[j] += h;
            down[j] -= h;
            double numeric = (LogisticNewton.objective(x, y, s, up, lambda, z)
                    - LogisticNewton.objective(x, y, s, down, lambda, z)) / (2 * h);
            assertEquals(numeric, grad[j], 1e-6 * Math.max(1, Math.abs(numeric)), "d/dw_" + j);
        }
    }

    @Test
    void optimumHasZeroGradientAndBeatsNearbyPoints() {
        Random random = new Random(3);
        int n = 60, d = 5;
        double[][] x = new double[n][d];
        double[] y = new double[n];
        double[] truth = {1, -2, 0.5, 0, 3};
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i][j] = random.nextGaussian();
            y[i] = random.nextDouble() < LogisticNewton.sigmoid(LogisticNewton.dot(truth, x[i])) ? 1 : 0;
        }
        LogisticFit fit = LogisticNewton.fit(x, y, null, LogisticNewton.Options.DEFAULT);
        assertTrue(fit.converged(), "converged in " + fit.iterations());
        assertTrue(fit.iterations() < 25, "Newton needs few steps, took " + fit.iterations());
        assertTrue(fit.gradientNorm() <= 1e-8);
        double[] z = new double[n];
        for (int k = 0; k < 20; k++) {
            double[] w = fit.weights();
            for (int j = 0; j < d; j++) w[j] += 1e-3 * random.nextGaussian();
            assertTrue(LogisticNewton.objective(x, y, null, w, 1.0, z) > fit.objective());
        }
    }

    @Test
    void sampleWeightTwoEqualsADuplicatedRow() {
        double[][] x = {{1, 0.2}, {-0.3, 1}, {0.4, -0.6}};
        double[] y = {1, 0, 1};
        LogisticFit weighted = LogisticNewton.fit(x, y, new double[] {2, 1, 1}, LogisticNewton.Options.DEFAULT);
        LogisticFit duplicated = LogisticNewton.fit(new double[][] {x[0], x[0], x[1], x[2]}, new double[] {1, 1, 0, 1},
                null, LogisticNewton.Options.DEFAULT);
        assertArrayEquals(duplicated.weights(), weighted.weights(), 1e-10);
    }

    @Test
    void separableDataStaysFiniteThanksToThePenalty() {
        double[][] x = {{1, 0}, {2, 0}, {0.5, 0}};
        LogisticFit fit = LogisticNewton.fit(x, new double[] {1, 1, 1}, null, new LogisticNewton.Options(0.01, 1e-8, 50));
        assertTrue(fit.converged());
        assertTrue(Double.isFinite(fit.weights()[0]) && fit.weights()[0] > 0);
        assertEquals(0, fit.weights()[1], 1e-12);
    }

    @Test
    void badInputIsRejectedWithTheOffendingIndex() {
        var e = assertThrows(IllegalArgumentException.class, () -> LogisticNewton.fit(new double[][] {{1}, {1, 2}},
                new double[] {1, 1}, null, LogisticNewton.Options.DEFAULT));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogisticNewton.fit(new double[][] {{1}},
                new double[] {1.5}, null, LogisticNewton.Options.DEFAULT));
        assertTrue(e.getMessage().contains("y[0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LogisticNewton.Options(0, 1e-8, 10));
    }
}
