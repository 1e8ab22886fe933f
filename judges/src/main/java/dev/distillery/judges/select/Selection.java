package dev.distillery.judges.select;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A policy that keeps some records by one of their scores. Records keep their input order; a record without the
 * score is counted in {@link SelectionReport#missingScore()} and goes to the dropped sink, never silently kept.
 *
 * <pre>{@code
 * SelectionReport r = Selection.topK("rm", 2).apply(candidates, keptSink, RecordSink.discard());
 * }</pre>
 *
 * Ranking policies ({@link TopK}, {@link Quantile}) read the source twice (scores first, records second) and order
 * equal scores by record id, so the same input always keeps the same records.
 */
public sealed interface Selection {

    SelectionReport apply(RecordSource source, RecordSink kept, RecordSink dropped);

    /** Keeps records scoring at least {@code min}. */
    static Selection atLeast(String score, double min) {
        return new Threshold(score, min, Double.POSITIVE_INFINITY);
    }

    /** Keeps the {@code k} best-scored records of every prompt. */
    static Selection topK(String score, int k) {
        return new TopK(score, k, GroupKey.PROMPT);
    }

    /** Keeps the best-scored fraction {@code q} of all records. */
    static Selection topFraction(String score, double q) {
        return new Quantile(score, q);
    }

    /** Keeps records with {@code min <= score <= max}. */
    record Threshold(String score, double min, double max) implements Selection {
        public Threshold {
            Objects.requireNonNull(score, "score");
            if (!(min <= max)) throw new IllegalArgumentException("min " + min + " exceeds max " + max);
        }

        @Override
        public SelectionReport apply(RecordSource source, RecordSink kept, RecordSink dropped) {
            long read = 0, in = 0, out = 0, missing = 0;
            try (RecordIterator it = source.open()) {
                while (it.hasNext()) {
                    DataRecord r = it.next();
                    read++;
                    double v = RankedScores.value(r, score);
                    if (Double.isNaN(v)) {
                        missing++;
                        dropped.write(r);
                    } else if (v >= min && v <= max) {
                        in++;
                        kept.write(r);
                    } else {
                        out++;
                        dropped.write(r);
                    }
                }
            }
            return new SelectionReport(read, in, out, missing, min);
        }
    }

    /**
     * Keeps the {@code k} highest-scored records of every group (exactly k, or all when a group has fewer; equal
     * scores at the boundary go by record id).
     */
    record TopK(String score, int k, GroupKey groupBy) implements Selection {
        public TopK {
            Objects.requireNonNull(score, "score");
            Objects.requireNonNull(groupBy, "groupBy");
            if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        }

        @Override
        public SelectionReport apply(RecordSource source, RecordSink kept, RecordSink dropped) {
            RankedScores ranked = RankedScores.read(source, score, groupBy);
            Map<Integer, List<Integer>> byGroup = new HashMap<>();
            for (int i = 0; i < ranked.size; i++) {
                if (!Double.isNaN(ranked.scores[i])) byGroup.computeIfAbsent(ranked.groups[i], g -> new ArrayList<>()).add(i);
            }
            BitSet keep = new BitSet(ranked.size);
            for (List<Integer> members : byGroup.values()) {
                members.sort(ranked.bestFirst());
                for (int i = 0; i < Math.min(k, members.size()); i++) keep.set(members.get(i));
            }
            return ranked.emit(source, keep, kept, dropped);
        }
    }

    /** Keeps the best {@code ceil(keep * n)} of the n scored records (equal scores at the boundary by record id). */
    record Quantile(String score, double keep) implements Selection {
        public Quantile {
            Objects.requireNonNull(score, "score");
            if (!(keep > 0 && keep <= 1)) throw new IllegalArgumentException("keep must be in (0, 1], got " + keep);
        }

        @Override
        public SelectionReport apply(RecordSource source, RecordSink kept, RecordSink dropped) {
            RankedScores ranked = RankedScores.read(source, score, GroupKey.RECORD);
            List<Integer> scored = new ArrayList<>();
            for (int i = 0; i < ranked.size; i++) if (!Double.isNaN(ranked.scores[i])) scored.add(i);
            scored.sort(ranked.bestFirst());
            int n = (int) Math.ceil(keep * scored.size() - 1e-9);
            BitSet keepSet = new BitSet(ranked.size);
            for (int i = 0; i < n; i++) keepSet.set(scored.get(i));
            return ranked.emit(source, keepSet, kept, dropped);
        }
    }

}
