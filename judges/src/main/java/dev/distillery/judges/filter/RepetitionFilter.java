package dev.distillery.judges.filter;

import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Catches degenerate, looping text with the Gopher repetition rules (Rae et al. 2021, as implemented in datatrove's
 * {@code GopherRepetitionFilter}): the share of duplicate lines and paragraphs (by count and by characters), the
 * character share of the most frequent word 2-, 3- and 4-gram, and the character share of words inside repeated
 * 5- to 10-grams. Each measure has its own maximum; the rationale lists every one exceeded.
 *
 * <pre>{@code Verifier f = RepetitionFilter.gopherDefaults(FilterField.RESPONSE);}</pre>
 *
 * @param field      which text to check
 * @param thresholds maximum allowed value per measure, by measure name (see {@link #DEFAULTS})
 */
public record RepetitionFilter(FilterField field, Map<String, Double> thresholds) implements Verifier {

    /** Gopher's published maxima (datatrove defaults); names are also the setting names. */
    public static final Map<String, Double> DEFAULTS = defaults();

    private static Map<String, Double> defaults() {
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("dup_line_fraction", 0.30);
        d.put("dup_paragraph_fraction", 0.30);
        d.put("dup_line_char_fraction", 0.20);
        d.put("dup_paragraph_char_fraction", 0.20);
        d.put("top_2gram_char_fraction", 0.20);
        d.put("top_3gram_char_fraction", 0.18);
        d.put("top_4gram_char_fraction", 0.16);
        d.put("dup_5gram_char_fraction", 0.15);
        d.put("dup_6gram_char_fraction", 0.14);
        d.put("dup_7gram_char_fraction", 0.13);
        d.put("dup_8gram_char_fraction", 0.12);
        d.put("dup_9gram_char_fraction", 0.11);
        d.put("dup_10gram_char_fraction", 0.10);
        return java.util.Collections.unmodifiableMap(d);
    }

    public RepetitionFilter {
        Map<String, Double> merged = new LinkedHashMap<>(DEFAULTS);
        for (Map.Entry<String, Double> e : thresholds.entrySet()) {
            if (!DEFAULTS.containsKey(e.getKey())) throw new IllegalArgumentException("unknown repetition measure '" + e.getKey() + "'");
            if (e.getValue() < 0 || e.getValue() > 1) throw new IllegalArgumentException(e.getKey() + " must be within [0, 1]");
            merged.put(e.getKey(), e.getValue());
        }
        thresholds = java.util.Collections.unmodifiableMap(merged);
    }

    public static RepetitionFilter gopherDefaults(FilterField field) {
        return new RepetitionFilter(field, Map.of());
    }

    @Override
    public String name() {
        return "repetition-filter";
    }

    @Override
    public Verdict judge(JudgeInput input) {
        Map<String, Double> measured = measure(field.pick(input));
        List<String> exceeded = new ArrayList<>();
        measured.forEach((k, v) -> {
            if (v > thresholds.get(k)) exceeded.add(k + " " + round(v) + " > " + thresholds.get(k));
        });
        if (exceeded.isEmpty()) return new Verdict.Scored(name(), 1, "pass: no repetition measure above its maximum");
        return new Verdict.Scored(name(), 0, "fail: " + String.join("; ", exceeded));
    }

    /** Every measure for {@code text}, by name, each in [0, 1]. */
    public static Map<String, Double> measure(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        String stripped = text.strip();
        double[] lines = duplicates(stripped.split("\\n+"));
        double[] paragraphs = duplicates(stripped.split("\\n\\s*\\n+"));
        out.put("dup_line_fraction", lines[0]);
        out.put("dup_paragraph_fraction", paragraphs[0]);
        out.put("dup_line_char_fraction", lines[1]);
        out.put("dup_paragraph_char_fraction", paragraphs[1]);
        List<String> words = new ArrayList<>();
        for (String w : stripped.toLowerCase(java.util.Locale.ROOT).split("\\s+")) if (!w.isEmpty()) words.add(w);
        // Words become 64-bit hashes and n-grams rolling combinations of them, so that the nine n-gram passes work
        // on primitives; a collision inside one text is vanishingly unlikely (~W^2 / 2^64).
        long[] hashes = new long[words.size()];
        long[] prefixChars = new long[words.size() + 1];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = hash(words.get(i));
            prefixChars[i + 1] = prefixChars[i] + words.get(i).length();
        }
        long totalChars = prefixChars[hashes.length];
        for (int n = 2; n <= 4; n++) out.put("top_" + n + "gram_char_fraction", topNgramShare(hashes, prefixChars, n, totalChars));
        for (int n = 5; n <= 10; n++) out.put("dup_" + n + "gram_char_fraction", duplicateNgramShare(hashes, prefixChars, n, totalChars));
        return out;
    }

    /** {share of elements that repeat an earlier one, share of characters in them}; blank elements ignored. */
    private static double[] duplicates(String[] parts) {
        Set<String> seen = new HashSet<>();
        int total = 0;
        int dup = 0;
        long chars = 0;
        long dupChars = 0;
        for (String p : parts) {
            String t = p.strip();
            if (t.isEmpty()) continue;
            total++;
            chars += t.length();
            if (!seen.add(t)) {
                dup++;
                dupChars += t.length();
            }
        }
        return total == 0 ? new double[]{0, 0} : new double[]{(double) dup / total, chars == 0 ? 0 : (double) dupChars / chars};
    }

    /** Characters of the most frequent n-gram times its count, over all word characters; 0 if nothing repeats. */
    private static double topNgramShare(long[] words, long[] prefixChars, int n, long totalChars) {
        if (words.length < n || totalChars == 0) return 0;
        LongCounter counts = new LongCounter(words.length);
        int bestCount = 0;
        int bestAt = -1;
        for (int i = 0; i + n <= words.length; i++) {
            int c = counts.increment(ngram(words, i, n));
            if (c > bestCount) {
                bestCount = c;
                bestAt = i;
            }
        }
        if (bestCount < 2) return 0;
        long gramChars = prefixChars[bestAt + n] - prefixChars[bestAt];
        return Math.min(1, (double) gramChars * bestCount / totalChars);
    }

    /** Share of word characters in n-grams that occurred before; a repeat is skipped over so words count once. */
    private static double duplicateNgramShare(long[] words, long[] prefixChars, int n, long totalChars) {
        if (words.length < n || totalChars == 0) return 0;
        LongCounter seen = new LongCounter(words.length);
        long repeated = 0;
        int i = 0;
        while (i + n <= words.length) {
            long gram = ngram(words, i, n);
            if (seen.increment(gram) > 1) {
                repeated += prefixChars[i + n] - prefixChars[i];
                i += n;
            } else {
                i++;
            }
        }
        return (double) repeated / totalChars;
    }

    private static long ngram(long[] words, int from, int n) {
        long h = n;
        for (int k = 0; k < n; k++) h = mix(h * 0x9E3779B97F4A7C15L + words[from + k]);
        return h;
    }

    /** FNV-1a over the UTF-16 units, finished with a mixer. */
    private static long hash(String word) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < word.length(); i++) {
            h ^= word.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Open-addressing long-to-count table, sized for the number of n-grams of one text. */
    private static final class LongCounter {
        private final long[] keys;
        private final int[] counts;
        private final int mask;

        LongCounter(int expected) {
            int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
            keys = new long[capacity];
            counts = new int[capacity];
            mask = capacity - 1;
        }

        /** Adds one to the key's count and returns the new count. */
        int increment(long key) {
            int slot = (int) (key ^ (key >>> 32)) & mask;
            while (counts[slot] != 0 && keys[slot] != key) slot = (slot + 1) & mask;
            keys[slot] = key;
            return ++counts[slot];
        }
    }

    private static String round(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
