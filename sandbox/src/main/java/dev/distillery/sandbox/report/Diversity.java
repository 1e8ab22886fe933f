package dev.distillery.sandbox.report;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Diversity of a model's outputs, tracked across rounds as a guard against self-training collapse: distinct-n (unique
 * n-grams over all n-grams, Li et al. 2016) and the share of outputs that are exact repeats of another.
 */
public final class Diversity {
    private Diversity() {
    }

    /**
     * @param distinct1 unique unigrams / all unigrams
     * @param distinct2 unique bigrams / all bigrams
     * @param repeated  share of outputs identical to an earlier output
     */
    public record Summary(int outputs, double distinct1, double distinct2, double repeated) {
    }

    public static Summary of(List<String> outputs) {
        Set<String> uni = new HashSet<>(), bi = new HashSet<>(), seen = new HashSet<>();
        long uniAll = 0, biAll = 0;
        int repeats = 0;
        for (String o : outputs) {
            if (!seen.add(o.strip())) repeats++;
            String[] w = o.strip().toLowerCase(java.util.Locale.ROOT).split("\\s+");
            for (int i = 0; i < w.length; i++) {
                if (w[i].isEmpty()) continue;
                uni.add(w[i]);
                uniAll++;
                if (i + 1 < w.length) {
                    bi.add(w[i] + " " + w[i + 1]);
                    biAll++;
                }
            }
        }
        return new Summary(outputs.size(), uniAll == 0 ? 0 : (double) uni.size() / uniAll,
                biAll == 0 ? 0 : (double) bi.size() / biAll, outputs.isEmpty() ? 0 : (double) repeats / outputs.size());
    }
}
