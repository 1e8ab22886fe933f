package dev.distillery.datasets.clean;

/**
 * How a MinHash signature is cut into LSH bands: {@code bands} bands of {@code rows} values each. Two documents
 * with Jaccard similarity s share at least one band (become candidates) with probability
 * {@code P(s) = 1 - (1 - s^rows)^bands}, an S-curve whose steepest point is near {@code (1/bands)^(1/rows)}.
 *
 * <pre>{@code
 * LshParameters p = LshParameters.optimal(0.7, 128, 0.5, 0.5);   // 14 bands x 9 rows
 * double pc = p.candidateProbability(0.8);
 * }</pre>
 *
 * @param bands number of bands (hash tables)
 * @param rows  signature values per band
 */
public record LshParameters(int bands, int rows) {

    /** Simpson intervals for the error integrals; the integrands are smooth, 200 is far more than needed. */
    private static final int INTERVALS = 200;

    public LshParameters {
        if (bands < 1 || rows < 1) {
            throw new IllegalArgumentException("bands and rows must be >= 1, got " + bands + " x " + rows);
        }
    }

    /** Signature values used: {@code bands * rows}. */
    public int permutationsUsed() {
        return bands * rows;
    }

    /** P(two documents of Jaccard {@code s} become candidates) = 1 - (1 - s^r)^b. */
    public double candidateProbability(double s) {
        return 1 - Math.pow(1 - Math.pow(s, rows), bands);
    }

    /** Where the S-curve is steepest, about (1/b)^(1/r): the threshold the banding implies on its own. */
    public double implicitThreshold() {
        return Math.pow(1.0 / bands, 1.0 / rows);
    }

    /**
     * The (b, r) with {@code b * r <= numPermutations} that minimises
     * {@code fpWeight * ∫_0^t P(s) ds + fnWeight * ∫_t^1 (1 - P(s)) ds}: the area of candidates below the threshold
     * (wasted verifications) against the area of missed pairs above it (missed duplicates), the same objective as
     * datasketch / text-dedup. Ties keep the smaller b.
     */
    public static LshParameters optimal(double threshold, int numPermutations, double fpWeight, double fnWeight) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        }
        if (numPermutations < 1) {
            throw new IllegalArgumentException("numPermutations must be >= 1, got " + numPermutations);
        }
        double bestError = Double.POSITIVE_INFINITY;
        LshParameters best = null;
        for (int b = 1; b <= numPermutations; b++) {
            for (int r = 1; r * b <= numPermutations; r++) {
                LshParameters p = new LshParameters(b, r);
                double fp = integrate(p, 0, threshold, false);
                double fn = integrate(p, threshold, 1, true);
                double error = fpWeight * fp + fnWeight * fn;
                if (error < bestError - 1e-15) {
                    bestError = error;
                    best = p;
                }
            }
        }
        return best;
    }

    /** Composite Simpson's rule of P(s), or of 1 - P(s) when {@code miss}. */
    private static double integrate(LshParameters p, double from, double to, boolean miss) {
        double h = (to - from) / INTERVALS;
        double sum = 0;
        for (int i = 0; i <= INTERVALS; i++) {
            double s = from + i * h;
            double y = p.candidateProbability(s);
            if (miss) {
                y = 1 - y;
            }
            sum += (i == 0 || i == INTERVALS) ? y : (i % 2 == 1 ? 4 * y : 2 * y);
        }
        return sum * h / 3;
    }
}
