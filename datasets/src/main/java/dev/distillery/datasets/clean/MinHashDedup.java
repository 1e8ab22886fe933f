package dev.distillery.datasets.clean;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Near-duplicate removal with MinHash signatures, LSH banding and exact Jaccard verification, as one streaming
 * online pass: each document is compared with the documents kept before it, dropped if one of them is at least
 * {@code threshold} similar, otherwise kept and indexed. The first of a group of near-copies survives.
 *
 * <pre>{@code
 * DedupReport r = MinHashDedup.builder().threshold(0.7).key(DedupKey.FULL).build().run(source, kept, removed);
 * }</pre>
 *
 * <h2>Similarity</h2>
 * A document is the set of 64-bit hashes of its word {@code ngramSize}-grams (default 5) after
 * {@link TextNormalizer} normalisation; a document with fewer than {@code ngramSize} words is one shingle made of
 * all its words; a document with no words is kept and never compared. Similarity is the Jaccard index
 * |A ∩ B| / |A ∪ B| of these sets. Candidates found by LSH are verified against the <em>exact</em> Jaccard of the
 * stored sorted shingle sets, so nothing below the threshold is ever removed (precision is exact up to 64-bit hash
 * collisions); MinHash only decides which pairs are looked at, which is where recall can be lost.
 *
 * <h2>Hashing</h2>
 * Permutation i maps a shingle hash x, folded to 32 bits, to {@code (a_i * x + b_i) >>> 32} with random 64-bit
 * a_i (odd) and b_i: Dietzfelbinger's multiply-add-shift, a strongly universal family from 32 to 32 bits that costs
 * one 64-bit multiply and one add per (shingle, permutation). The textbook {@code (a x + b) mod (2^61 - 1)} needs a
 * 128-bit product and a reduction per step, about three times slower, for no measurable gain in estimation error
 * (neither family is truly min-wise independent; both behave like it on text). The 32-bit fold only affects
 * which pairs become candidates, never the verification, which uses the full 64-bit shingle hashes.
 *
 * <h2>Banding and the FP/FN trade-off</h2>
 * The signature is cut into b bands of r values; two documents with Jaccard s collide in some band with
 * probability P(s) = 1 - (1 - s^r)^b. Unless set explicitly, (b, r) come from
 * {@link LshParameters#optimal(double, int, double, double)} weighing the false-positive area (candidates below the
 * threshold) 0.2 and the false-negative area (duplicates above it never compared, so missed) 0.8. The weights lean
 * towards recall on purpose: verification is exact, so a false positive costs only a Jaccard computation, while a
 * false negative is a duplicate left in the data. For the defaults (128 permutations, threshold 0.7) that is
 * <b>b = 18, r = 7</b> (126 of the 128 values used):
 * <pre>
 *   Jaccard s        0.5    0.6    0.7    0.8    0.9    0.95
 *   P(candidate|s)   0.132  0.400  0.787  0.986  1.000  1.000
 * </pre>
 * Equal weights (0.5/0.5, the textbook choice) give 14 x 9: P = 0.438 at 0.7 and 0.867 at 0.8. On the benchmark
 * corpus (docs/benchmarks.md) the recall of pairs at or above the threshold rises from 0.69 to 0.91 with 18 x 7 at the
 * same throughput. For still more recall add permutations. Peers: datatrove 14 x 8 of 112, text-dedup 24 x 10 of
 * 240 at 0.7.
 *
 * <h2>Cost</h2>
 * Signatures are computed in parallel (batches of 1024 on the common fork-join pool); lookups and inserts run in
 * input order on one thread, so the result does not depend on scheduling. Memory per kept document: its sorted
 * shingle hashes (8 bytes per shingle) plus about 30 bytes per band.
 */
public final class MinHashDedup {

    private final int ngramSize;
    private final int numPermutations;
    private final double threshold;
    private final LshParameters lsh;
    private final DedupKey key;
    private final int maxExamples;
    private final int batchSize;
    private final long[] a;
    private final long[] b;
    private final long[] bandSeeds;

    private MinHashDedup(Builder builder) {
        this.ngramSize = builder.ngramSize;
        this.numPermutations = builder.numPermutations;
        this.threshold = builder.threshold;
        this.key = builder.key;
        this.maxExamples = builder.maxExamples;
        this.batchSize = builder.batchSize;
        if (builder.bands > 0) {
            if (builder.bands * builder.rows > numPermutations) {
                throw new IllegalArgumentException("bands x rows = " + builder.bands + " x " + builder.rows + " = "
                        + builder.bands * builder.rows + " exceeds numPermutations " + numPermutations);
            }
            this.lsh = new LshParameters(builder.bands, builder.rows);
        } else {
            this.lsh = LshParameters.optimal(threshold, numPermutations, builder.fpWeight, builder.fnWeight);
        }
        SplittableRandom random = new SplittableRandom(builder.seed);
        a = new long[numPermutations];
        b = new long[numPermutations];
        for (int i = 0; i < numPermutations; i++) {
            a[i] = random.nextLong() | 1;
            b[i] = random.nextLong();
        }
        bandSeeds = new long[lsh.bands()];
        for (int i = 0; i < bandSeeds.length; i++) {
            bandSeeds[i] = random.nextLong();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The banding in use (given, or computed by the optimiser). */
    public LshParameters lsh() {
        return lsh;
    }

    public double threshold() {
        return threshold;
    }

    /** The sorted, distinct 64-bit hashes of the word n-grams of {@code text}: the set whose Jaccard is compared. */
    public long[] shingles(String text) {
        long[] words = TextNormalizer.wordHashes(text);
        if (words.length == 0) {
            return words;
        }
        int n = Math.min(ngramSize, words.length);
        long[] sh = new long[words.length - n + 1];
        for (int i = 0; i < sh.length; i++) {
            sh[i] = Hashing.ngram(words, i, n);
        }
        Arrays.sort(sh);
        int distinct = 0;
        for (int i = 0; i < sh.length; i++) {
            if (i == 0 || sh[i] != sh[i - 1]) {
                sh[distinct++] = sh[i];
            }
        }
        return distinct == sh.length ? sh : Arrays.copyOf(sh, distinct);
    }

    /** Jaccard index of two sorted distinct hash sets; 0 when both are empty. */
    public static double jaccard(long[] x, long[] y) {
        int i = 0;
        int j = 0;
        int common = 0;
        while (i < x.length && j < y.length) {
            if (x[i] == y[j]) {
                common++;
                i++;
                j++;
            } else if (x[i] < y[j]) {
                i++;
            } else {
                j++;
            }
        }
        int union = x.length + y.length - common;
        return union == 0 ? 0 : (double) common / union;
    }

    /** The MinHash signature of a shingle set: for each permutation, the least permuted value (32-bit, as long). */
    long[] signature(long[] shingles) {
        long[] sig = new long[numPermutations];
        Arrays.fill(sig, Long.MAX_VALUE);
        for (long s : shingles) {
            long x = (s ^ (s >>> 32)) & 0xffffffffL;
            for (int i = 0; i < sig.length; i++) {
                long h = (a[i] * x + b[i]) >>> 32;
                if (h < sig[i]) {
                    sig[i] = h;
                }
            }
        }
        return sig;
    }

    private long[] bandKeys(long[] sig) {
        int r = lsh.rows();
        long[] keys = new long[lsh.bands()];
        for (int band = 0; band < keys.length; band++) {
            long h = bandSeeds[band];
            for (int i = band * r, end = i + r; i < end; i++) {
                h = Hashing.fmix64(h ^ sig[i]) + i;
            }
            keys[band] = h;
        }
        return keys;
    }

    private record Prepared(long[] shingles, long[] bandKeys) {
    }

    private Prepared prepare(String text) {
        long[] sh = shingles(text);
        return sh.length == 0 ? new Prepared(sh, null) : new Prepared(sh, bandKeys(signature(sh)));
    }

    /** Streams {@code source} once; see the class comment for the decision rule. */
    public DedupReport run(RecordSource source, RecordSink kept, RecordSink removed) {
        State state = new State();
        Batches.run(source, batchSize, r -> prepare(key.of(r)), (record, p) -> {
            state.read++;
            Verdict v = p.bandKeys == null ? null : state.bestMatch(p);
            if (v == null) {
                if (p.bandKeys != null) {
                    state.index(p);
                }
                state.keptCount++;
                if (state.keptIds != null) {
                    state.keptIds.add(record.id());
                }
                kept.write(record);
            } else {
                state.removedCount++;
                if (state.keptIds != null) {
                    state.examples.add(new DedupReport.Duplicate(record.id(), state.keptIds.get(v.doc), v.jaccard));
                    if (state.examples.size() >= maxExamples) {
                        state.keptIds = null;
                    }
                }
                removed.write(record);
            }
        });
        return new DedupReport(state.read, state.keptCount, state.removedCount, state.examples);
    }

    private record Verdict(int doc, double jaccard) {
    }

    /** The index of kept documents; touched by one thread only. */
    private final class State {
        long read;
        long keptCount;
        long removedCount;
        final List<DedupReport.Duplicate> examples = new ArrayList<>();
        List<String> keptIds = maxExamples > 0 ? new ArrayList<>() : null;
        // Kept-document ordinals count every kept record (also word-less ones) so that keptIds lines up.
        final List<long[]> keptShingles = new ArrayList<>();
        final LongIntMultimap[] buckets = new LongIntMultimap[lsh.bands()];
        int[] visited = new int[1024];
        int query;

        State() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongIntMultimap(1024);
            }
        }

        /** The most similar kept document at or above the threshold, or null. */
        Verdict bestMatch(Prepared p) {
            query++;
            int bestDoc = -1;
            double best = -1;
            for (int band = 0; band < buckets.length; band++) {
                for (int e = buckets[band].first(p.bandKeys[band]); e >= 0; e = buckets[band].next(e)) {
                    int doc = buckets[band].value(e);
                    if (visited[doc] == query) {
                        continue;
                    }
                    visited[doc] = query;
                    double j = jaccard(p.shingles, keptShingles.get(doc));
                    if (j >= threshold && j > best) {
                        best = j;
                        bestDoc = doc;
                    }
                }
            }
            return bestDoc < 0 ? null : new Verdict(bestDoc, best);
        }

        void index(Prepared p) {
            int doc = (int) keptCount;
            while (keptShingles.size() < doc) {
                keptShingles.add(null); // word-less kept records: never in a bucket, never looked up
            }
            keptShingles.add(p.shingles);
            if (doc >= visited.length) {
                visited = Arrays.copyOf(visited, Math.max(visited.length * 2, doc + 1));
            }
            for (int band = 0; band < buckets.length; band++) {
                buckets[band].put(p.bandKeys[band], doc);
            }
        }
    }

    /** Configuration; every setting has a default. */
    public static final class Builder {
        private int ngramSize = 5;
        private int numPermutations = 128;
        private double threshold = 0.7;
        private int bands;
        private int rows;
        private double fpWeight = 0.2;
        private double fnWeight = 0.8;
        private DedupKey key = DedupKey.FULL;
        private long seed = 42;
        private int maxExamples = 20;
        private int batchSize = Batches.DEFAULT_SIZE;

        /** Words per shingle; default 5 (datatrove, text-dedup). */
        public Builder ngramSize(int ngramSize) {
            if (ngramSize < 1) {
                throw new IllegalArgumentException("ngramSize must be >= 1, got " + ngramSize);
            }
            this.ngramSize = ngramSize;
            return this;
        }

        /** Signature length; default 128. */
        public Builder numPermutations(int numPermutations) {
            if (numPermutations < 1) {
                throw new IllegalArgumentException("numPermutations must be >= 1, got " + numPermutations);
            }
            this.numPermutations = numPermutations;
            return this;
        }

        /** Jaccard at or above which a document is a duplicate of a kept one; default 0.7. */
        public Builder threshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
            }
            this.threshold = threshold;
            return this;
        }

        /** Fixed banding instead of the optimiser's; {@code bands * rows <= numPermutations}. */
        public Builder bands(int bands, int rows) {
            if (bands < 1 || rows < 1) {
                throw new IllegalArgumentException("bands and rows must be >= 1, got " + bands + " x " + rows);
            }
            this.bands = bands;
            this.rows = rows;
            return this;
        }

        /** Optimiser weights of the false-positive and false-negative areas; default 0.2 / 0.8 (see the class comment). */
        public Builder lshWeights(double fpWeight, double fnWeight) {
            if (fpWeight < 0 || fnWeight < 0 || fpWeight + fnWeight == 0) {
                throw new IllegalArgumentException("weights must be >= 0 and not both 0");
            }
            this.fpWeight = fpWeight;
            this.fnWeight = fnWeight;
            return this;
        }

        /** Which text to compare; default {@link DedupKey#FULL}. */
        public Builder key(DedupKey key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** Seed of the permutations; default 42. Same seed, same input: same result. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How many removals to report by id; default 20. */
        public Builder maxExamples(int maxExamples) {
            if (maxExamples < 0) {
                throw new IllegalArgumentException("maxExamples must be >= 0, got " + maxExamples);
            }
            this.maxExamples = maxExamples;
            return this;
        }

        /** Documents whose signatures are computed in parallel at a time; default 1024. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public MinHashDedup build() {
            if (threshold >= 1 && bands == 0) {
                // The optimiser needs an open interval; a threshold of 1 is exact-set equality.
                bands(Math.max(1, numPermutations / 8), Math.min(8, numPermutations));
            }
            return new MinHashDedup(this);
        }
    }
}
