package dev.distillery.sandbox.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Held-out accuracy per skill with a percentile-bootstrap 95% confidence interval: what the sandbox report shows
 * after each stage and round.
 *
 * <pre>{@code
 * SkillAccuracy.Builder b = SkillAccuracy.builder();
 * b.add("add", true); b.add("add", false); ...
 * Map<String, SkillAccuracy.Estimate> table = b.estimate(1000, 42L);
 * }</pre>
 */
public final class SkillAccuracy {
    private SkillAccuracy() {
    }

    /**
     * @param n        evaluated items
     * @param accuracy share correct
     * @param low      2.5th percentile of the bootstrap distribution
     * @param high     97.5th percentile
     */
    public record Estimate(int n, double accuracy, double low, double high) {
        /** {@code 62.5% [55.0, 70.0]}. */
        public String format() {
            return String.format(java.util.Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * accuracy, 100 * low, 100 * high);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, List<Boolean>> outcomes = new LinkedHashMap<>();

        public Builder add(String skill, boolean correct) {
            outcomes.computeIfAbsent(skill, k -> new ArrayList<>()).add(correct);
            return this;
        }

        /** Per skill, plus {@code all} over every item (resampled within skills, so each keeps its weight). */
        public Map<String, Estimate> estimate(int resamples, long seed) {
            Map<String, Estimate> out = new LinkedHashMap<>();
            SplittableRandom rng = new SplittableRandom(seed);
            double[][] perSkillDraws = new double[outcomes.size()][];
            int[] sizes = new int[outcomes.size()];
            int i = 0, total = 0, correctTotal = 0;
            for (var e : outcomes.entrySet()) {
                boolean[] xs = toArray(e.getValue());
                int correct = count(xs);
                double[] draws = new double[resamples];
                for (int r = 0; r < resamples; r++) draws[r] = resampleCorrect(xs, rng);
                perSkillDraws[i] = draws;
                sizes[i++] = xs.length;
                total += xs.length;
                correctTotal += correct;
                out.put(e.getKey(), estimate(xs.length, (double) correct / xs.length, draws, xs.length));
            }
            if (total > 0) {
                double[] all = new double[resamples];
                for (int r = 0; r < resamples; r++) {
                    double c = 0;
                    for (int s = 0; s < sizes.length; s++) c += perSkillDraws[s][r];
                    all[r] = c;
                }
                out.put("all", estimate(total, (double) correctTotal / total, all, total));
            }
            return out;
        }

        private static Estimate estimate(int n, double acc, double[] correctDraws, int size) {
            double[] rates = Arrays.stream(correctDraws).map(c -> c / size).sorted().toArray();
            return new Estimate(n, acc, percentile(rates, 0.025), percentile(rates, 0.975));
        }

        private static double resampleCorrect(boolean[] xs, SplittableRandom rng) {
            int c = 0;
            for (int k = 0; k < xs.length; k++) if (xs[rng.nextInt(xs.length)]) c++;
            return c;
        }

        private static boolean[] toArray(List<Boolean> l) {
            boolean[] a = new boolean[l.size()];
            for (int k = 0; k < a.length; k++) a[k] = l.get(k);
            return a;
        }

        private static int count(boolean[] xs) {
            int c = 0;
            for (boolean x : xs) if (x) c++;
            return c;
        }
    }

    /** Linear interpolation between order statistics of a sorted array (the "type 7" definition). */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
