package dev.distillery.judges.report;

import java.util.ArrayList;
import java.util.List;

/**
 * How well a judge's probabilities match how often it is right, for a binary outcome (the reference label is 1, the
 * first answer wins). The judge predicts the outcome when {@code p >= 0.5} and its confidence is
 * {@code c = max(p, 1 - p)}; confidences fall into equal-width bins over [0, 1] (so with binary outcomes only the upper
 * half of the bins fill), and {@code ECE = sum_b (n_b / N) |acc_b - conf_b|}. The Brier score is
 * {@code mean (p - y)^2}.
 *
 * <pre>{@code
 * double ece = Calibration.ece(new double[] {0.9, 0.8, 0.3}, new double[] {1, 0, 0}, 10);
 * }</pre>
 */
public final class Calibration {

    /** Default number of equal-width confidence bins, as in Guo et al. and the reference. */
    public static final int DEFAULT_BINS = 10;

    private Calibration() {
    }

    /**
     * One bar of a reliability diagram.
     *
     * @param lower      inclusive lower edge of the confidence bin
     * @param upper      upper edge (exclusive, except for the last bin which includes 1)
     * @param count      predictions in the bin
     * @param confidence their mean confidence; NaN for an empty bin
     * @param accuracy   the share of them that were right; NaN for an empty bin
     */
    public record ReliabilityBin(double lower, double upper, long count, double confidence, double accuracy) {
    }

    /** Expected calibration error over {@code bins} equal-width bins; NaN without predictions. */
    public static double ece(double[] p, double[] y, int bins) {
        Bins b = new Bins(bins);
        for (int i = 0; i < p.length; i++) b.add(p[i], y[i]);
        return b.ece();
    }

    /** Mean squared difference between probability and outcome; NaN without predictions. */
    public static double brier(double[] p, double[] y) {
        Bins b = new Bins(1);
        for (int i = 0; i < p.length; i++) b.add(p[i], y[i]);
        return b.brier();
    }

    /** The reliability diagram: one entry per bin, empty bins included so the x axis is fixed. */
    public static List<ReliabilityBin> reliability(double[] p, double[] y, int bins) {
        Bins b = new Bins(bins);
        for (int i = 0; i < p.length; i++) b.add(p[i], y[i]);
        return b.diagram();
    }

    /** The bin of a confidence in [0.5, 1]. */
    static int bin(double confidence, int bins) {
        return Math.min((int) (confidence * bins), bins - 1);
    }

    static double confidence(double p) {
        return Math.max(p, 1 - p);
    }

    static boolean correct(double p, double y) {
        return (p >= 0.5) == (y == 1);
    }

    /** Sums per bin; also what the bootstrap accumulates per resample. */
    static final class Bins {
        final long[] count;
        final double[] confidence;
        final long[] correct;
        double squaredError;
        long n;

        Bins(int bins) {
            if (bins < 1) throw new IllegalArgumentException("bins must be at least 1, got " + bins);
            count = new long[bins];
            confidence = new double[bins];
            correct = new long[bins];
        }

        void add(double p, double y) {
            if (y != 0 && y != 1) throw new IllegalArgumentException("outcome must be 0 or 1, got " + y);
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
            double c = confidence(p);
            add(bin(c, count.length), c, correct(p, y), (p - y) * (p - y));
        }

        void add(int bin, double c, boolean right, double squared) {
            add(bin, c, right, squared, 1);
        }

        /** Adds one prediction {@code w} times (a bootstrap weight). */
        void add(int bin, double c, boolean right, double squared, int w) {
            count[bin] += w;
            confidence[bin] += c * w;
            if (right) correct[bin] += w;
            squaredError += squared * w;
            n += w;
        }

        void clear() {
            java.util.Arrays.fill(count, 0);
            java.util.Arrays.fill(confidence, 0);
            java.util.Arrays.fill(correct, 0);
            squaredError = 0;
            n = 0;
        }

        double ece() {
            if (n == 0) return Double.NaN;
            double sum = 0;
            for (int b = 0; b < count.length; b++) {
                if (count[b] == 0) continue;
                sum += Math.abs((double) correct[b] / count[b] - confidence[b] / count[b]) * count[b];
            }
            return sum / n;
        }

        double brier() {
            return n == 0 ? Double.NaN : squaredError / n;
        }

        List<ReliabilityBin> diagram() {
            int k = count.length;
            List<ReliabilityBin> out = new ArrayList<>(k);
            for (int b = 0; b < k; b++) {
                long c = count[b];
                out.add(new ReliabilityBin((double) b / k, (double) (b + 1) / k, c,
                        c == 0 ? Double.NaN : confidence[b] / c, c == 0 ? Double.NaN : (double) correct[b] / c));
            }
            return out;
        }
    }
}
