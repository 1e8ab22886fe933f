package dev.distillery.judges.reward;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealVector;

import java.util.Objects;

/**
 * L2-penalised logistic regression without intercept, fitted by Newton's method (IRLS). Commons Math has no
 * logistic regression, so this is the solver under the Bradley-Terry head.
 *
 * <pre>{@code LogisticFit fit = LogisticNewton.fit(x, y, null, LogisticNewton.Options.DEFAULT);}</pre>
 *
 * <p>Objective, with {@code p_i = σ(w·x_i)}, labels {@code y_i ∈ [0, 1]} (soft labels allowed) and sample weights
 * {@code s_i ≥ 0} (bootstrap counts; all 1 when null):
 * <pre>
 *   L(w) = Σ_i s_i [ −y_i log p_i − (1 − y_i) log(1 − p_i) ] + (λ/2) ‖w‖²
 *   ∇L   = Σ_i s_i (p_i − y_i) x_i + λ w
 *   H    = Σ_i s_i p_i (1 − p_i) x_i x_iᵀ + λ I
 *   w   ← w − H⁻¹ ∇L
 * </pre>
 * The penalty sits on the <em>sum</em>, not the mean, as in scikit-learn's {@code C = 1/λ}. It is required, not an
 * option: preference data is often linearly separable, and without it the weights run off to infinity. H is then
 * positive definite, so each step is a Cholesky solve (QR as a fallback when rounding makes it fail). A step that
 * would raise the objective is halved until it does not (at most 30 times), which keeps the first steps from a
 * saturated start safe; near the optimum the full step is always taken and convergence is quadratic.
 * Deterministic: same input, same bits.
 */
public final class LogisticNewton {

    /**
     * @param lambda        L2 penalty λ > 0 on the summed loss
     * @param tolerance     stop when ‖∇L‖₂ ≤ tolerance
     * @param maxIterations at most this many Newton steps
     */
    public record Options(double lambda, double tolerance, int maxIterations) {
        /** λ = 1, tolerance 1e-8, 50 steps. */
        public static final Options DEFAULT = new Options(1.0, 1e-8, 50);

        public Options {
            if (!(lambda > 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("lambda must be a finite number > 0, got " + lambda);
            }
            if (!(tolerance > 0)) {
                throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
            }
        }

        public Options withLambda(double newLambda) {
            return new Options(newLambda, tolerance, maxIterations);
        }
    }

    private LogisticNewton() {
    }

    /**
     * Fits w from the zero vector.
     *
     * @param x       n rows of d features
     * @param y       n labels in [0, 1]
     * @param weights n sample weights ≥ 0, or null for all 1
     */
    public static LogisticFit fit(double[][] x, double[] y, double[] weights, Options options) {
        return fit(x, y, weights, null, options);
    }

    /** Fits w starting from {@code start} (a warm start; null for zeros). */
    public static LogisticFit fit(double[][] x, double[] y, double[] weights, double[] start, Options options) {
        Objects.requireNonNull(options, "options");
        int n = x.length;
        if (y.length != n) throw new IllegalArgumentException("x has " + n + " rows but y has " + y.length);
        if (weights != null && weights.length != n) {
            throw new IllegalArgumentException("x has " + n + " rows but weights has " + weights.length);
        }
        if (n == 0 && start == null) throw new IllegalArgumentException("no rows to fit");
        int d = n > 0 ? x[0].length : start.length;
        for (int i = 0; i < n; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, row 0 has " + d);
            }
            if (!(y[i] >= 0 && y[i] <= 1)) throw new IllegalArgumentException("y[" + i + "] = " + y[i] + " not in [0, 1]");
            if (weights != null && !(weights[i] >= 0)) {
                throw new IllegalArgumentException("weights[" + i + "] = " + weights[i] + " must be >= 0");
            }
        }
        double[] w = start == null ? new double[d] : start.clone();
        if (w.length != d) throw new IllegalArgumentException("start has " + w.length + " entries, rows have " + d);

        double lambda = options.lambda();
        double[] z = new double[n];
        double[] grad = new double[d];
        double[] candidate = new double[d];
        double objective = objective(x, y, weights, w, lambda, z);
        int iterations = 0;
        double gradNorm = gradient(x, y, weights, w, lambda, z, grad);
        while (gradNorm > options.tolerance() && iterations < options.maxIterations()) {
            double[] step = solve(hessian(x, weights, lambda, z, d), grad);
            // Backtracking on the objective: the full Newton step is taken whenever it does not make things worse.
            double scale = 1;
            double next = Double.NaN;
            for (int halvings = 0; halvings <= 30; halvings++) {
                for (int j = 0; j < d; j++) candidate[j] = w[j] - scale * step[j];
                next = objective(x, y, weights, candidate, lambda, z);
                if (next <= objective) break;
                scale /= 2;
            }
            iterations++;
            if (!(next <= objective)) {
                // No step lowers the objective any more: we are at the optimum up to rounding.
                objective(x, y, weights, w, lambda, z);
                break;
            }
            System.arraycopy(candidate, 0, w, 0, d);
            objective = next;
            gradNorm = gradient(x, y, weights, w, lambda, z, grad);
        }
        gradNorm = gradient(x, y, weights, w, lambda, z, grad);
        return new LogisticFit(w, iterations, gradNorm, objective, gradNorm <= options.tolerance());
    }

    /** σ(z), computed without overflow for large |z|. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    /** log(1 + e^z) without overflow. */
    static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    /** The objective at w; leaves the margins w·x_i in {@code z}. */
    static double objective(double[][] x, double[] y, double[] weights, double[] w, double lambda, double[] z) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double zi = dot(x[i], w);
            z[i] = zi;
            // −y log σ(z) − (1−y) log(1−σ(z)) = softplus(z) − y z
            double loss = softplus(zi) - y[i] * zi;
            sum += (weights == null ? 1 : weights[i]) * loss;
        }
        return sum + lambda / 2 * dot(w, w);
    }

    /** ∇L at w given the margins in {@code z}; returns its norm. */
    static double gradient(double[][] x, double[] y, double[] weights, double[] w, double lambda, double[] z,
                           double[] grad) {
        int d = w.length;
        for (int j = 0; j < d; j++) grad[j] = lambda * w[j];
        for (int i = 0; i < x.length; i++) {
            double r = (weights == null ? 1 : weights[i]) * (sigmoid(z[i]) - y[i]);
            if (r == 0) continue;
            double[] xi = x[i];
            for (int j = 0; j < d; j++) grad[j] += r * xi[j];
        }
        return Math.sqrt(dot(grad, grad));
    }

    private static double[][] hessian(double[][] x, double[] weights, double lambda, double[] z, int d) {
        double[][] h = new double[d][d];
        for (int i = 0; i < x.length; i++) {
            double p = sigmoid(z[i]);
            double s = (weights == null ? 1 : weights[i]) * p * (1 - p);
            if (s == 0) continue;
            double[] xi = x[i];
            // Upper triangle only; mirrored below. The rank-one update is the O(n d²) cost of a step.
            for (int a = 0; a < d; a++) {
                double sa = s * xi[a];
                if (sa == 0) continue;
                double[] ha = h[a];
                for (int b = a; b < d; b++) ha[b] += sa * xi[b];
            }
        }
        for (int a = 0; a < d; a++) {
            h[a][a] += lambda;
            for (int b = a + 1; b < d; b++) h[b][a] = h[a][b];
        }
        return h;
    }

    private static double[] solve(double[][] h, double[] g) {
        var matrix = new Array2DRowRealMatrix(h, false);
        RealVector rhs = new ArrayRealVector(g, false);
        try {
            return new CholeskyDecomposition(matrix, 1e-12, 1e-14).getSolver().solve(rhs).toArray();
        } catch (NonPositiveDefiniteMatrixException e) {
            // λ I makes H positive definite in exact arithmetic; QR copes when rounding says otherwise.
            return new QRDecomposition(matrix).getSolver().solve(rhs).toArray();
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
