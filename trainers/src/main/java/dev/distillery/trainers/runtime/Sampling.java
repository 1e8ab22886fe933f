package dev.distillery.trainers.runtime;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Token choice and log-probabilities over one logits row, in double precision. Separate from the decoding loop so
 * that the {@link Scorer} and the {@link Generator} compute log-probs with the very same arithmetic.
 */
final class Sampling {

    private Sampling() {
    }

    /** log Σ exp(logits), stable. */
    static double logSumExp(float[] logits, int off, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) max = Math.max(max, logits[off + i]);
        if (max == Double.NEGATIVE_INFINITY) return max;
        double sum = 0;
        for (int i = 0; i < len; i++) sum += Math.exp(logits[off + i] - max);
        return max + Math.log(sum);
    }

    /** The first id with the largest logit (ties go to the lower id, like a plain argmax loop). */
    static int argmax(float[] logits) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
        return best;
    }

    /**
     * Draws a token from softmax(logits / temperature), restricted to the {@code topK} most likely tokens (0 = all)
     * and then to the smallest most-likely set whose probability reaches {@code topP}. Draws exactly one double from
     * {@code rng} per call, so a seed reproduces the whole sequence.
     */
    static int sample(float[] logits, double temperature, int topK, double topP, SplittableRandom rng) {
        if (temperature == 0) return argmax(logits);
        int v = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double u = rng.nextDouble();
        if ((topK == 0 || topK >= v) && topP >= 1) {
            // Plain softmax sampling, in id order: no sort needed.
            double[] w = new double[v];
            double sum = 0;
            for (int i = 0; i < v; i++) sum += (w[i] = Math.exp((logits[i] - max) / temperature));
            double target = u * sum;
            double acc = 0;
            for (int i = 0; i < v; i++) {
                acc += w[i];
                if (acc > target) return i;
            }
            return lastPositive(w);
        }
        // Truncated sampling: most likely first (ties by id, so the order is deterministic).
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = topK == 0 ? v : Math.min(topK, v);
        double[] w = new double[keep];
        double sum = 0;
        for (int j = 0; j < keep; j++) sum += (w[j] = Math.exp((logits[order[j]] - max) / temperature));
        if (topP < 1) {
            double acc = 0;
            int cut = keep;
            for (int j = 0; j < keep; j++) {
                acc += w[j];
                if (acc >= topP * sum) {
                    cut = j + 1;
                    break;
                }
            }
            keep = cut;
            sum = 0;
            for (int j = 0; j < keep; j++) sum += w[j];
        }
        double target = u * sum;
        double acc = 0;
        for (int j = 0; j < keep; j++) {
            acc += w[j];
            if (acc > target) return order[j];
        }
        return order[keep - 1];
    }

    private static int lastPositive(double[] w) {
        for (int i = w.length - 1; i >= 0; i--) if (w[i] > 0) return i;
        return 0;
    }
}
