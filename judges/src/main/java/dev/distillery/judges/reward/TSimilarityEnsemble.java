package dev.distillery.judges.reward;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Ensemble confidence by T-similarity (Odonnat et al., AISTATS 2024): M linear Bradley-Terry heads fitted to the
 * labelled pairs and pushed to <em>disagree</em> on the unlabelled ones; where they still agree, the data forced
 * them to, and that agreement is the confidence. It is meant for the case where softmax confidence is
 * over-confident: labelled pairs unlike the unlabelled ones (sample selection bias).
 *
 * <pre>{@code
 * TSimilarityEnsemble e = TSimilarityEnsemble.fit(labelledDiffs, unlabelledDiffs, TSimilarityEnsemble.Options.DEFAULT);
 * double confidence = e.confidence(diff);   // s_T in [0, 1]
 * }</pre>
 *
 * <h2>Definition (as in the reference)</h2>
 * For a pair with difference vector d, head i predicts p_i = σ(w_i·d), i.e. the two-class softmax (p_i, 1 − p_i).
 * <pre>
 *   s_T(d) = 1/(M(M−1)) Σ_{i≠j} ⟨(p_i, 1−p_i), (p_j, 1−p_j)⟩ = 1/(M(M−1)) Σ_{i≠j} [p_i p_j + (1−p_i)(1−p_j)]
 * </pre>
 * s_T is 1 when all heads are certain and agree, 0.5 when they all say 0.5, and near 0 when they are certain and
 * split. Swapping the pair (d → −d) leaves it unchanged.
 *
 * <h2>What is implemented</h2>
 * The paper trains a shared representation, a prediction head and M ensemble heads jointly with Adam on
 * minibatches. Here the representation is the frozen embedding and the prediction head is the reward model's own
 * head, so only the M ensemble heads are trained, deterministically:
 * <ol>
 *   <li>Head i starts from the Newton fit ({@link LogisticNewton}) of its own bootstrap resample of the labelled
 *       pairs (counts as sample weights; resample i drawn from {@code seed}).</li>
 *   <li>Then {@code steps} full-batch Adam steps on
 *       <pre>J = (1/M) Σ_i [ (1/n_l) Σ_l c_il CE(σ(w_i·d_l), y_l) + λ/(2 n_l) ‖w_i‖² ] + γ (1/n_u) Σ_u s_T(d_u)</pre>
 *       i.e. the reference's "labelled cross-entropy per head minus γ times diversity", with diversity the
 *       negative mean s_T on unlabelled pairs. Its gradient reaches every head: ∂s_T/∂p_i =
 *       2/(M(M−1)) Σ_{j≠i} (2p_j − 1), and ∂p_i/∂w_i = p_i(1 − p_i) d.</li>
 * </ol>
 * Defaults follow the reference where they carry over: M = 5, γ = 1, Adam lr 1e-3 (with 500 steps, the reference's
 * 5 epochs × 100 iterations). The L2 term keeps the disagreement finite.
 */
public final class TSimilarityEnsemble {

    /**
     * @param heads        M ≥ 2
     * @param gamma        weight γ of the diversity term (0 = plain bootstrap ensemble)
     * @param lambda       L2 penalty, on the same sum scale as the head's (divided by n_l in J)
     * @param steps        Adam steps after the Newton start
     * @param learningRate Adam step size
     * @param seed         seeds the bootstrap resamples
     */
    public record Options(int heads, double gamma, double lambda, int steps, double learningRate, long seed) {
        public static final Options DEFAULT = new Options(5, 1.0, 0.01, 500, 1e-3, 42);

        public Options {
            if (heads < 2) throw new IllegalArgumentException("heads must be >= 2, got " + heads);
            if (!(gamma >= 0)) throw new IllegalArgumentException("gamma must be >= 0, got " + gamma);
            if (!(lambda > 0)) throw new IllegalArgumentException("lambda must be > 0, got " + lambda);
            if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }

        public Options withLambda(double newLambda) {
            return new Options(heads, gamma, newLambda, steps, learningRate, seed);
        }
    }

    private final double[][] heads;

    private TSimilarityEnsemble(double[][] heads) {
        this.heads = heads;
    }

    /**
     * Fits the ensemble.
     *
     * @param labelled   difference vectors φ_chosen − φ_rejected (label 1 each)
     * @param unlabelled difference vectors of pairs without labels (either order)
     */
    public static TSimilarityEnsemble fit(double[][] labelled, double[][] unlabelled, Options options) {
        double[] y = new double[labelled.length];
        Arrays.fill(y, 1);
        return fit(labelled, y, unlabelled, options);
    }

    /** As {@link #fit(double[][], double[][], Options)} with explicit labels y ∈ [0, 1]. */
    public static TSimilarityEnsemble fit(double[][] labelled, double[] y, double[][] unlabelled, Options options) {
        int m = options.heads();
        int nl = labelled.length;
        if (nl == 0) throw new IllegalArgumentException("no labelled pairs");
        int d = labelled[0].length;
        SplittableRandom random = new SplittableRandom(options.seed());
        double[][] counts = new double[m][nl];
        double[][] w = new double[m][];
        var newton = new LogisticNewton.Options(options.lambda(), 1e-8, 50);
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < nl; k++) counts[i][random.nextInt(nl)]++;
            w[i] = LogisticNewton.fit(labelled, y, counts[i], newton).weights();
        }
        if (options.gamma() > 0 && unlabelled.length > 0 && options.steps() > 0) {
            adam(labelled, y, unlabelled, counts, w, options, d);
        }
        return new TSimilarityEnsemble(w);
    }

    private static void adam(double[][] labelled, double[] y, double[][] unlabelled, double[][] counts, double[][] w,
                             Options o, int d) {
        int m = w.length;
        int nl = labelled.length;
        int nu = unlabelled.length;
        double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        double[][] mom = new double[m][d];
        double[][] vel = new double[m][d];
        double[][] grad = new double[m][d];
        double[][] pu = new double[m][nu];
        double pairs = m * (m - 1.0);
        for (int step = 1; step <= o.steps(); step++) {
            for (int i = 0; i < m; i++) {
                double[] g = grad[i];
                double[] wi = w[i];
                // (1/M)(λ/n_l) w_i: the head's share of the penalty
                for (int j = 0; j < d; j++) g[j] = o.lambda() / nl / m * wi[j];
                for (int l = 0; l < nl; l++) {
                    if (counts[i][l] == 0) continue;
                    double p = LogisticNewton.sigmoid(LogisticNewton.dot(wi, labelled[l]));
                    double r = counts[i][l] * (p - y[l]) / nl / m;
                    axpy(r, labelled[l], g);
                }
                for (int u = 0; u < nu; u++) pu[i][u] = LogisticNewton.sigmoid(LogisticNewton.dot(wi, unlabelled[u]));
            }
            for (int u = 0; u < nu; u++) {
                double sum = 0;
                for (int j = 0; j < m; j++) sum += 2 * pu[j][u] - 1;
                for (int i = 0; i < m; i++) {
                    double p = pu[i][u];
                    double dsdp = 2 / pairs * (sum - (2 * p - 1));
                    axpy(o.gamma() / nu * dsdp * p * (1 - p), unlabelled[u], grad[i]);
                }
            }
            double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < d; j++) {
                    double g = grad[i][j];
                    mom[i][j] = beta1 * mom[i][j] + (1 - beta1) * g;
                    vel[i][j] = beta2 * vel[i][j] + (1 - beta2) * g * g;
                    w[i][j] -= o.learningRate() * (mom[i][j] / c1) / (Math.sqrt(vel[i][j] / c2) + eps);
                }
            }
        }
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int j = 0; j < x.length; j++) y[j] += a * x[j];
    }

    public int size() {
        return heads.length;
    }

    /** Each head's P(A ≻ B) for the difference vector d = φ_A − φ_B. */
    public double[] probabilities(double[] diff) {
        double[] p = new double[heads.length];
        for (int i = 0; i < heads.length; i++) p[i] = LogisticNewton.sigmoid(LogisticNewton.dot(heads[i], diff));
        return p;
    }

    /** s_T(d): the mean pairwise inner product of the heads' two-class predictions, in [0, 1]. */
    public double confidence(double[] diff) {
        return similarity(probabilities(diff));
    }

    /** s_T of the given head probabilities. */
    public static double similarity(double[] p) {
        int m = p.length;
        double sum = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                if (i != j) sum += p[i] * p[j] + (1 - p[i]) * (1 - p[j]);
            }
        }
        return sum / (m * (m - 1.0));
    }

    /** Mean s_T over {@code diffs}: the quantity the diversity term lowers. */
    public double meanConfidence(double[][] diffs) {
        double sum = 0;
        for (double[] d : diffs) sum += confidence(d);
        return diffs.length == 0 ? Double.NaN : sum / diffs.length;
    }
}
