package dev.distillery.trainers.reference;

import dev.distillery.trainers.model.TensorSlot;

import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Float64 central-difference gradient checks (trainer-math §9): {@code (L(x+h) − L(x−h)) / 2h} with {@code h = 1e-6},
 * compared with an analytic gradient by {@code |num − ana| / max(|num|, |ana|, 1e-3·max|g|)}; a tolerance of 1e-4 is
 * what a correct backward meets. Only meaningful in double precision (in float32 the rounding floor swamps h).
 *
 * <pre>{@code
 * // model reads params live; loss re-runs the forward
 * FiniteDifferences.Result r = FiniteDifferences.check(params, grad, indices, maxAbsGrad, () -> model.sftLoss(batch));
 * assert r.maxError() <= FiniteDifferences.TOLERANCE;
 * }</pre>
 */
public final class FiniteDifferences {

    /** Step of the central difference. */
    public static final double H = 1e-6;
    /** Error a correct float64 backward stays under. */
    public static final double TOLERANCE = 1e-4;

    /**
     * The outcome of checking some indices.
     *
     * @param maxError   largest error of the metric above
     * @param worstIndex the index that gave it (-1 when nothing was checked)
     * @param numeric    its central difference
     * @param analytic   its analytic gradient
     */
    public record Result(double maxError, int worstIndex, double numeric, double analytic) {
        @Override
        public String toString() {
            return String.format("max error %.3e at %d (numeric %.9e, analytic %.9e)", maxError, worstIndex, numeric,
                    analytic);
        }
    }

    private FiniteDifferences() {
    }

    /**
     * {@code ∂loss/∂params[i]} by central differences; {@code params[i]} is restored exactly afterwards.
     *
     * @param loss evaluates the loss at the current contents of {@code params}
     */
    public static double derivative(double[] params, int i, DoubleSupplier loss) {
        double saved = params[i];
        try {
            params[i] = saved + H;
            double plus = loss.getAsDouble();
            params[i] = saved - H;
            double minus = loss.getAsDouble();
            return (plus - minus) / (2 * H);
        } finally {
            params[i] = saved;
        }
    }

    /** {@code |num − ana| / max(|num|, |ana|, 1e-3·maxAbsGradient)}; 0 when both are exactly zero with no floor. */
    public static double relativeError(double numeric, double analytic, double maxAbsGradient) {
        double denominator = Math.max(Math.max(Math.abs(numeric), Math.abs(analytic)), 1e-3 * maxAbsGradient);
        double diff = Math.abs(numeric - analytic);
        return denominator == 0 ? diff : diff / denominator;
    }

    /** Compares {@code analytic[i]} with the central difference for every {@code i} in {@code indices}. */
    public static Result check(double[] params, double[] analytic, int[] indices, double maxAbsGradient,
                               DoubleSupplier loss) {
        Result worst = new Result(0, -1, 0, 0);
        for (int i : indices) {
            double num = derivative(params, i, loss);
            double err = relativeError(num, analytic[i], maxAbsGradient);
            if (err >= worst.maxError() || worst.worstIndex() < 0) worst = new Result(err, i, num, analytic[i]);
        }
        return worst;
    }

    /** {@code max |g[i]|} over the slot's elements. */
    public static double maxAbs(double[] g, TensorSlot slot) {
        return maxAbs(g, (int) slot.offset(), (int) slot.size());
    }

    /** {@code max |g[i]|} for {@code i ∈ [from, from + length)}. */
    public static double maxAbs(double[] g, int from, int length) {
        double m = 0;
        for (int i = from; i < from + length; i++) m = Math.max(m, Math.abs(g[i]));
        return m;
    }

    /** Up to {@code count} distinct absolute indices into the slot, drawn uniformly (all of them if it is smaller). */
    public static int[] sample(TensorSlot slot, int count, Random random) {
        int size = (int) slot.size();
        int off = (int) slot.offset();
        int n = Math.min(count, size);
        // partial Fisher–Yates over 0..size-1
        int[] all = new int[size];
        for (int i = 0; i < size; i++) all[i] = i;
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(size - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = off + all[i];
        return out;
    }
}
