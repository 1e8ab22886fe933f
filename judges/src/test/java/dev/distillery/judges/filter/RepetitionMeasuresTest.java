package dev.distillery.judges.filter;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hashed n-gram measures of {@link RepetitionFilter} agree with a plain, obviously-correct computation over
 * word lists, on seeded texts with planted repeats.
 */
class RepetitionMeasuresTest {

    @Test
    void hashedMeasuresMatchAPlainReferenceComputation() {
        Random rnd = new Random(7);
        String[] vocabulary = "a b c d e f g h the cat sat on mat dog ran far away and then".split(" ");
        for (int t = 0; t < 200; t++) {
            List<String> words = new ArrayList<>();
            int length = 1 + rnd.nextInt(80);
            while (words.size() < length) {
                if (!words.isEmpty() && rnd.nextInt(5) == 0) {
                    // Copy an earlier stretch: the kind of loop the filter is for.
                    int from = rnd.nextInt(words.size());
                    int span = 1 + rnd.nextInt(Math.min(12, words.size() - from));
                    words.addAll(new ArrayList<>(words.subList(from, from + span)));
                } else {
                    words.add(vocabulary[rnd.nextInt(vocabulary.length)]);
                }
            }
            String text = String.join(" ", words);
            Map<String, Double> measured = RepetitionFilter.measure(text);
            List<String> lower = words.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
            long total = lower.stream().mapToLong(String::length).sum();
            for (int n = 2; n <= 4; n++) {
                assertEquals(referenceTop(lower, n, total), measured.get("top_" + n + "gram_char_fraction"), 1e-12, text);
            }
            for (int n = 5; n <= 10; n++) {
                assertEquals(referenceDuplicate(lower, n, total), measured.get("dup_" + n + "gram_char_fraction"), 1e-12, text);
            }
        }
    }

    private static double referenceTop(List<String> words, int n, long total) {
        if (words.size() < n || total == 0) return 0;
        Map<List<String>, Integer> counts = new HashMap<>();
        List<String> best = null;
        int bestCount = 0;
        for (int i = 0; i + n <= words.size(); i++) {
            List<String> gram = words.subList(i, i + n);
            int c = counts.merge(gram, 1, Integer::sum);
            if (c > bestCount) {
                bestCount = c;
                best = gram;
            }
        }
        if (bestCount < 2) return 0;
        return Math.min(1, (double) best.stream().mapToLong(String::length).sum() * bestCount / total);
    }

    private static double referenceDuplicate(List<String> words, int n, long total) {
        if (words.size() < n || total == 0) return 0;
        Set<List<String>> seen = new HashSet<>();
        long repeated = 0;
        int i = 0;
        while (i + n <= words.size()) {
            List<String> gram = words.subList(i, i + n);
            if (seen.contains(gram)) {
                repeated += gram.stream().mapToLong(String::length).sum();
                i += n;
            } else {
                seen.add(gram);
                i++;
            }
        }
        return (double) repeated / total;
    }
}
