package dev.distillery.datasets.clean;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Removes training records that overlap evaluation items, with the n-gram coverage rule of open-instruct's
 * Tülu 3 decontamination: an eval item's token is <em>covered</em> by a training record when some word
 * {@code ngramSize}-gram containing it also occurs in the record; the record is contaminated when, for some eval
 * item, covered tokens / all tokens of the item {@code > threshold}. Eval items with fewer than {@code ngramSize}
 * words count as one n-gram of their whole word sequence (coverage 0 or 1). Words are {@link TextNormalizer}
 * words (open-instruct uses spaCy tokens; the difference is punctuation, which is dropped here).
 *
 * <pre>{@code
 * DecontaminationReport r = Decontaminator.builder()
 *         .evalSet("gsm8k", gsm8kSource).evalTexts("ifeval", prompts)
 *         .build().run(training, keptSink, removedSink);
 * }</pre>
 *
 * <p>Defaults: {@code ngramSize} 8 and {@code threshold} 0.5 (open-instruct's {@code --ngram_size 8
 * --match_threshold 0.5}); the training side is {@code payload.promptText()}, plus {@code payload.text()} with
 * {@link Builder#includeFullText}. Building indexes every eval item (memory ~ 20 bytes per eval n-gram); the
 * training data is streamed once, coverage computed in parallel batches, records written in input order.
 */
public final class Decontaminator {

    private final int ngramSize;
    private final double threshold;
    private final boolean includeFullText;
    private final int batchSize;
    private final List<EvalItem> items;
    private final LongIntMultimap postings; // n-gram hash -> posting (index into postingItem/postingStart)
    private final int[] postingItem;
    private final int[] postingStart;
    private final int[] gramLengths; // every n-gram length in the index: ngramSize and the short items' lengths

    private record EvalItem(String set, int index, String id, int tokens) {
    }

    private Decontaminator(Builder b) {
        this.ngramSize = b.ngramSize;
        this.threshold = b.threshold;
        this.includeFullText = b.includeFullText;
        this.batchSize = b.batchSize;
        this.items = new ArrayList<>();
        this.postings = new LongIntMultimap(1 << 12);
        List<Integer> pItem = new ArrayList<>();
        List<Integer> pStart = new ArrayList<>();
        TreeSet<Integer> lengths = new TreeSet<>();
        for (Map.Entry<String, List<String[]>> set : b.loadEvalSets().entrySet()) {
            int index = 0;
            for (String[] idAndText : set.getValue()) {
                long[] words = TextNormalizer.wordHashes(idAndText[1]);
                int item = items.size();
                items.add(new EvalItem(set.getKey(), index, idAndText[0], words.length));
                index++;
                if (words.length == 0) {
                    continue; // nothing to cover, never contaminated by anything
                }
                int n = Math.min(ngramSize, words.length);
                lengths.add(n);
                for (int start = 0; start + n <= words.length; start++) {
                    postings.put(Hashing.ngram(words, start, n), pItem.size());
                    pItem.add(item);
                    pStart.add(start);
                }
            }
        }
        postingItem = pItem.stream().mapToInt(Integer::intValue).toArray();
        postingStart = pStart.stream().mapToInt(Integer::intValue).toArray();
        gramLengths = lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of eval items indexed, over all sets. */
    public int evalItems() {
        return items.size();
    }

    /**
     * Coverage of every eval item the text touches at all: item position (over all sets, in registration order)
     * to covered fraction. Exposed for inspection; {@link #run} applies the threshold to it.
     */
    public Map<Integer, Double> coverage(String text) {
        return coverage(TextNormalizer.wordHashes(text), new HashMap<>());
    }

    private Map<Integer, Double> coverage(long[] words, Map<Integer, BitSet> covered) {
        for (int n : gramLengths) {
            for (int start = 0; start + n <= words.length; start++) {
                long gram = Hashing.ngram(words, start, n);
                for (int e = postings.first(gram); e >= 0; e = postings.next(e)) {
                    int posting = postings.value(e);
                    int item = postingItem[posting];
                    int from = postingStart[posting];
                    // The index stores only grams of length min(ngramSize, item length); check it is this one.
                    if (Math.min(ngramSize, items.get(item).tokens) != n) {
                        continue;
                    }
                    covered.computeIfAbsent(item, k -> new BitSet()).set(from, from + n);
                }
            }
        }
        Map<Integer, Double> result = new LinkedHashMap<>();
        covered.forEach((item, bits) -> result.put(item, (double) bits.cardinality() / items.get(item).tokens));
        return result;
    }

    private List<DecontaminationReport.Match> contamination(DataRecord record) {
        Map<Integer, BitSet> covered = new HashMap<>();
        String prompt = record.payload().promptText();
        Map<Integer, Double> cov = coverage(TextNormalizer.wordHashes(prompt), covered);
        if (includeFullText) {
            String full = record.payload().text();
            if (!full.equals(prompt)) {
                // Same BitSets: a token covered from either side counts once.
                cov = coverage(TextNormalizer.wordHashes(full), covered);
            }
        }
        List<DecontaminationReport.Match> matches = List.of();
        for (Map.Entry<Integer, Double> e : new java.util.TreeMap<>(cov).entrySet()) {
            if (e.getValue() > threshold) {
                if (matches.isEmpty()) {
                    matches = new ArrayList<>();
                }
                EvalItem item = items.get(e.getKey());
                matches.add(new DecontaminationReport.Match(item.set, item.index, item.id, record.id(), e.getValue()));
            }
        }
        return matches;
    }

    /** Streams {@code training} once, writing clean records to {@code kept} and contaminated ones to {@code removed}. */
    public DecontaminationReport run(RecordSource training, RecordSink kept, RecordSink removed) {
        List<DecontaminationReport.Match> all = new ArrayList<>();
        long[] counts = new long[3];
        Batches.run(training, batchSize, this::contamination, (record, matches) -> {
            counts[0]++;
            if (matches.isEmpty()) {
                counts[1]++;
                kept.write(record);
            } else {
                counts[2]++;
                all.addAll(matches);
                removed.write(record);
            }
        });
        return new DecontaminationReport(counts[0], counts[1], counts[2], all);
    }

    /** Configuration: at least one eval set is required. */
    public static final class Builder {
        private int ngramSize = 8;
        private double threshold = 0.5;
        private boolean includeFullText;
        private int batchSize = Batches.DEFAULT_SIZE;
        // Sources are read at build() so that a builder can be set up before the files exist.
        private final Map<String, Object> evalSets = new LinkedHashMap<>();

        /** Words per n-gram; default 8. */
        public Builder ngramSize(int ngramSize) {
            if (ngramSize < 1) {
                throw new IllegalArgumentException("ngramSize must be >= 1, got " + ngramSize);
            }
            this.ngramSize = ngramSize;
            return this;
        }

        /** Coverage above which (strictly) a record is contaminated; default 0.5. */
        public Builder threshold(double threshold) {
            if (!(threshold >= 0 && threshold < 1)) {
                throw new IllegalArgumentException("threshold must be in [0, 1), got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /** Also match the record's full text (answers included), not just its prompt; default false. */
        public Builder includeFullText(boolean includeFullText) {
            this.includeFullText = includeFullText;
            return this;
        }

        /** An evaluation set whose items are records; each item's {@code payload.promptText()} is indexed. */
        public Builder evalSet(String name, RecordSource source) {
            put(name, Objects.requireNonNull(source, "source"));
            return this;
        }

        /** An evaluation set given as raw prompt strings; their ids are {@code name#index}. */
        public Builder evalTexts(String name, List<String> texts) {
            put(name, List.copyOf(texts));
            return this;
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        private void put(String name, Object set) {
            Objects.requireNonNull(name, "name");
            if (evalSets.putIfAbsent(name, set) != null) {
                throw new IllegalArgumentException("evaluation set '" + name + "' is registered twice");
            }
        }

        @SuppressWarnings("unchecked")
        private Map<String, List<String[]>> loadEvalSets() {
            Map<String, List<String[]>> loaded = new LinkedHashMap<>();
            evalSets.forEach((name, set) -> {
                List<String[]> entries = new ArrayList<>();
                if (set instanceof RecordSource source) {
                    try (RecordIterator it = source.open()) {
                        while (it.hasNext()) {
                            DataRecord r = it.next();
                            entries.add(new String[]{r.id(), r.payload().promptText()});
                        }
                    }
                } else {
                    List<String> texts = (List<String>) set;
                    for (int i = 0; i < texts.size(); i++) {
                        entries.add(new String[]{name + "#" + i, texts.get(i)});
                    }
                }
                loaded.put(name, entries);
            });
            return loaded;
        }

        /** Reads and indexes the evaluation sets. */
        public Decontaminator build() {
            if (evalSets.isEmpty()) {
                throw new IllegalStateException("no evaluation set given: call evalSet(...) or evalTexts(...)");
            }
            return new Decontaminator(this);
        }
    }
}
