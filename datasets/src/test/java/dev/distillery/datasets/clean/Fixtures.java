package dev.distillery.datasets.clean;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small record builders shared by the cleaning tests. */
final class Fixtures {

    private Fixtures() {
    }

    static DataRecord text(String id, String text) {
        return DataRecord.of(new Payload.Text(text)).withId(id);
    }

    static List<String> ids(List<DataRecord> records) {
        return records.stream().map(DataRecord::id).toList();
    }

    /** A vocabulary of made-up words, so that unrelated documents share no 5-grams. */
    static List<String> vocabulary(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> words = new ArrayList<>();
        while (words.size() < size) {
            int len = 3 + r.nextInt(6);
            StringBuilder w = new StringBuilder();
            for (int i = 0; i < len; i++) {
                w.append((char) ('a' + r.nextInt(26)));
            }
            words.add(w.toString());
        }
        return words;
    }

    static String[] randomWords(List<String> vocab, int n, SplittableRandom r) {
        String[] w = new String[n];
        for (int i = 0; i < n; i++) {
            w[i] = vocab.get(r.nextInt(vocab.size()));
        }
        return w;
    }
}
