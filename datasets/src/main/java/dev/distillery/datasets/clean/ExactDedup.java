package dev.distillery.datasets.clean;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Exact dedup after normalisation: two records are duplicates when the {@link TextNormalizer#normalize normal
 * form} of their {@link DedupKey} text is the same, so copies that differ only in case, whitespace or punctuation
 * collapse. The first occurrence is kept. Streaming: memory is one 128-bit hash per distinct text (~40-80 bytes),
 * plus the kept ids only until {@code maxExamples} examples are found.
 *
 * <pre>{@code
 * DedupReport r = ExactDedup.builder().key(DedupKey.PROMPT).build().run(source, keptSink, removedSink);
 * }</pre>
 */
public final class ExactDedup {

    private static final long SEED = 0x5eed_0001L;

    private final DedupKey key;
    private final int maxExamples;
    private final int batchSize;

    private ExactDedup(Builder b) {
        this.key = b.key;
        this.maxExamples = b.maxExamples;
        this.batchSize = b.batchSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The 128-bit key of a text: hash of its normal form; two longs. */
    public static long[] keyOf(String text) {
        long[] out = new long[2];
        Hashing.hash128(TextNormalizer.normalize(text), SEED, out);
        return out;
    }

    /** Streams {@code source} once, writing first occurrences to {@code kept} and later copies to {@code removed}. */
    public DedupReport run(RecordSource source, RecordSink kept, RecordSink removed) {
        Hash128Set seen = new Hash128Set();
        List<DedupReport.Duplicate> examples = new ArrayList<>();
        // Kept ids are only needed to name the kept side of an example; once the examples are full they are dropped.
        var state = new Object() {
            List<String> keptIds = maxExamples > 0 ? new ArrayList<>() : null;
        };
        long[] counts = new long[3]; // read, kept, removed
        Batches.run(source, batchSize, r -> keyOf(key.of(r)), (record, h) -> {
            counts[0]++;
            int ordinal = (int) counts[1];
            int first = seen.putIfAbsent(h[0], h[1], ordinal);
            if (first < 0) {
                counts[1]++;
                if (state.keptIds != null) {
                    state.keptIds.add(record.id());
                }
                kept.write(record);
            } else {
                counts[2]++;
                if (state.keptIds != null) {
                    examples.add(new DedupReport.Duplicate(record.id(), state.keptIds.get(first), 1.0));
                    if (examples.size() >= maxExamples) {
                        state.keptIds = null;
                    }
                }
                removed.write(record);
            }
        });
        return new DedupReport(counts[0], counts[1], counts[2], examples);
    }

    /** Configuration; every setting has a default. */
    public static final class Builder {
        private DedupKey key = DedupKey.FULL;
        private int maxExamples = 20;
        private int batchSize = Batches.DEFAULT_SIZE;

        /** Which text to compare; default {@link DedupKey#FULL}. */
        public Builder key(DedupKey key) {
            this.key = Objects.requireNonNull(key, "key");
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

        /** Records hashed in parallel per batch; default 1024. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public ExactDedup build() {
            return new ExactDedup(this);
        }
    }
}
