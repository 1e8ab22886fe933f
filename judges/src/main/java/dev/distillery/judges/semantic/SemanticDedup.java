package dev.distillery.judges.semantic;

import dev.distillery.datasets.clean.DedupReport;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Score;
import dev.distillery.judges.reward.Embedder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Semantic dedup and diversity selection with sentence embeddings, Deita's rule: walk the items in order and keep an
 * item only if its cosine similarity to <em>every</em> item kept so far is ≤ {@code threshold} (default 0.9);
 * otherwise drop it and record the most similar kept item. The first of a group of paraphrases survives, so sort
 * the input by quality first when "best first" matters.
 *
 * <pre>{@code
 * SemanticDedup dedup = SemanticDedup.builder().threshold(0.9).text(SemanticText.FULL).build();
 * DedupReport r = dedup.run(source, keptSink, removedSink);   // records, embedded with all-MiniLM-L6-v2
 * Selection s = dedup.select(vectors);                        // or raw vectors you already have
 * }</pre>
 *
 * <h2>As a stage</h2>
 * {@link #run} streams a {@link RecordSource} in batches of {@code batchSize}: it embeds the batch
 * ({@link SemanticText} picks prompt, response or both; default both), selects, and writes each record to
 * {@code kept} or {@code removed}. A removed record carries the score {@value #SCORE_NAME} = its cosine to the kept
 * record it matched, with the kept record's id in the rationale, so every drop can be audited; the report lists
 * the first {@code maxExamples} drops. Records without text (pretokenized) are kept and never compared.
 *
 * <h2>Cost</h2>
 * Exact, no approximate index: each candidate is compared with every kept vector by a blocked dot product
 * ({@code KeptVectors}), so the work is about n × kept × D multiply-adds, parallel over candidates. Embedding
 * dominates by far on a CPU (see docs/reward-model.md for both rates). Memory: 4 × D bytes per kept item
 * (1.5 KiB for MiniLM), about 150 MB at 100k kept items.
 */
public final class SemanticDedup {

    /** The score name written on removed records. */
    public static final String SCORE_NAME = "semantic-dedup";

    private final double threshold;
    private final SemanticText text;
    private final Embedder embedder;
    private final int batchSize;
    private final int maxExamples;

    private SemanticDedup(Builder b) {
        this.threshold = b.threshold;
        this.text = b.text;
        this.embedder = b.embedder;
        this.batchSize = b.batchSize;
        this.maxExamples = b.maxExamples;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double threshold() {
        return threshold;
    }

    /**
     * Greedy keep-first selection over {@code vectors} (any length, normalised here; all of one dimension).
     * Deterministic and independent of thread count.
     */
    public Selection select(float[][] vectors) {
        if (vectors.length == 0) return new Selection(new int[0], new float[0]);
        Selector selector = new Selector(vectors[0].length, threshold);
        int[] matched = new int[vectors.length];
        float[] similarity = new float[vectors.length];
        float[][] unit = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) unit[i] = unit(vectors[i], i);
        for (int from = 0; from < unit.length; from += batchSize) {
            int to = Math.min(unit.length, from + batchSize);
            selector.offer(unit, from, to, matched, similarity);
        }
        return new Selection(matched, similarity);
    }

    /** Streams {@code source} once; see the class comment. */
    public DedupReport run(RecordSource source, RecordSink kept, RecordSink removed) {
        Embedder e = embedder != null ? embedder : Embedder.miniLm();
        Selector selector = new Selector(e.dimension(), threshold);
        List<String> keptIds = new ArrayList<>();
        List<DedupReport.Duplicate> examples = new ArrayList<>();
        long read = 0, keptCount = 0, removedCount = 0;
        try (RecordIterator it = source.open()) {
            List<DataRecord> batch = new ArrayList<>(batchSize);
            while (it.hasNext()) {
                batch.clear();
                while (batch.size() < batchSize && it.hasNext()) batch.add(it.next());
                read += batch.size();
                List<String> texts = new ArrayList<>();
                List<Integer> withText = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    String t = text.of(batch.get(i));
                    if (!t.isBlank()) {
                        texts.add(t);
                        withText.add(i);
                    }
                }
                float[][] vectors = e.embed(texts);
                int[] matched = new int[vectors.length];
                float[] similarity = new float[vectors.length];
                // Positions in keptIds are the selector's kept order: offset by what was kept before this batch.
                int[] keptBefore = new int[vectors.length];
                selector.offer(vectors, 0, vectors.length, matched, similarity, keptBefore);
                int v = 0;
                for (int i = 0; i < batch.size(); i++) {
                    DataRecord r = batch.get(i);
                    if (v < withText.size() && withText.get(v) == i) {
                        if (matched[v] < 0) {
                            keptIds.add(r.id());
                            keptCount++;
                            kept.write(r);
                        } else {
                            String keptId = keptIds.get(keptBefore[v]);
                            removedCount++;
                            if (examples.size() < maxExamples) {
                                examples.add(new DedupReport.Duplicate(r.id(), keptId, similarity[v]));
                            }
                            removed.write(r.withScore(SCORE_NAME, new Score(similarity[v], String.format(Locale.ROOT,
                                    "cosine %.4f to kept record %s (threshold %s)", similarity[v], keptId, threshold))));
                        }
                        v++;
                    } else {
                        // No text, nothing to compare: kept, and not indexed (keptIds follows the selector's order).
                        keptCount++;
                        kept.write(r);
                    }
                }
            }
        }
        return new DedupReport(read, keptCount, removedCount, examples);
    }

    private static float[] unit(float[] v, int index) {
        double norm = 0;
        for (float x : v) norm += (double) x * x;
        if (!(norm > 0) || Double.isInfinite(norm)) {
            throw new IllegalArgumentException("vector " + index + " is zero or not finite; cannot take its cosine");
        }
        float inv = (float) (1 / Math.sqrt(norm));
        float[] u = new float[v.length];
        for (int j = 0; j < v.length; j++) u[j] = v[j] * inv;
        return u;
    }

    /** The greedy state: kept vectors and, for each, the caller's index of the item it came from. */
    private static final class Selector {
        private final KeptVectors kept;
        private final double threshold;
        private final int dim;
        private int[] origin = new int[1024];
        private int[] keptOrder = new int[1024];

        Selector(int dim, double threshold) {
            this.kept = new KeptVectors(dim);
            this.threshold = threshold;
            this.dim = dim;
        }

        /** Decides items {@code [from, to)}; {@code matched} gets input indices (the raw-vector API). */
        void offer(float[][] v, int from, int to, int[] matched, float[] similarity) {
            offer(v, from, to, matched, similarity, null);
            for (int i = from; i < to; i++) if (matched[i] >= 0) matched[i] = origin[matched[i]];
        }

        /**
         * Decides items {@code [from, to)}: {@code matched[i]} is −1 (kept) or the kept-order position of the match,
         * also copied to {@code keptPosition} when given.
         */
        void offer(float[][] v, int from, int to, int[] matched, float[] similarity, int[] keptPosition) {
            int before = kept.size();
            float[] best = new float[to - from];
            int[] arg = new int[to - from];
            kept.nearest(v, from, to, best, arg);
            // Items kept inside this batch are not in the precomputed scores: compare with them directly.
            List<float[]> fresh = new ArrayList<>();
            for (int i = from; i < to; i++) {
                float s = best[i - from];
                int a = arg[i - from];
                for (int f = 0; f < fresh.size(); f++) {
                    float dot = dot(v[i], fresh.get(f));
                    if (dot > s) {
                        s = dot;
                        a = before + f;
                    }
                }
                similarity[i] = s;
                if (a >= 0 && s > threshold) {
                    matched[i] = a;
                    if (keptPosition != null) keptPosition[i] = a;
                } else {
                    matched[i] = -1;
                    fresh.add(v[i]);
                    int position = kept.size();
                    if (position == origin.length) origin = java.util.Arrays.copyOf(origin, position * 2);
                    origin[position] = i;
                    kept.add(v[i]);
                }
            }
        }

        private float dot(float[] a, float[] b) {
            float s = 0;
            for (int k = 0; k < dim; k++) s += a[k] * b[k];
            return s;
        }
    }

    /** Settings; every one has a default. */
    public static final class Builder {
        private double threshold = 0.9;
        private SemanticText text = SemanticText.FULL;
        private Embedder embedder;
        private int batchSize = 256;
        private int maxExamples = 20;

        /** Drop an item whose cosine to a kept item exceeds this; default 0.9 (Deita). */
        public Builder threshold(double threshold) {
            if (!(threshold >= -1 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold must be a cosine in [-1, 1], got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /** Which text of a record to embed; default {@link SemanticText#FULL}. */
        public Builder text(SemanticText text) {
            this.text = Objects.requireNonNull(text, "text");
            return this;
        }

        /** The embedder for {@link #run}; default {@link Embedder#miniLm()}. */
        public Builder embedder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
            return this;
        }

        /** Items decided per batch (and embedded per batch in {@link #run}); default 256. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            this.batchSize = batchSize;
            return this;
        }

        /** How many removals the report lists; default 20 (every removed record carries its match anyway). */
        public Builder maxExamples(int maxExamples) {
            if (maxExamples < 0) throw new IllegalArgumentException("maxExamples must be >= 0, got " + maxExamples);
            this.maxExamples = maxExamples;
            return this;
        }

        public SemanticDedup build() {
            return new SemanticDedup(this);
        }
    }
}
