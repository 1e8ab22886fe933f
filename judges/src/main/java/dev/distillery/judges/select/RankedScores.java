package dev.distillery.judges.select;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** First pass of a ranking {@link Selection}: each record's score, group and id by position; then the second pass. */
final class RankedScores {
    double[] scores = new double[1024];
    int[] groups = new int[1024];
    private final List<String> ids = new ArrayList<>();
    int size;

    static RankedScores read(RecordSource source, String score, GroupKey groupBy) {
        RankedScores r = new RankedScores();
        Map<String, Integer> groupIndex = new HashMap<>();
        try (RecordIterator it = source.open()) {
            while (it.hasNext()) {
                DataRecord rec = it.next();
                if (r.size == r.scores.length) {
                    r.scores = Arrays.copyOf(r.scores, r.size * 2);
                    r.groups = Arrays.copyOf(r.groups, r.size * 2);
                }
                r.scores[r.size] = value(rec, score);
                r.groups[r.size] = groupBy == GroupKey.RECORD ? r.size
                        : groupIndex.computeIfAbsent(groupBy.of(rec), g -> groupIndex.size());
                r.ids.add(rec.id());
                r.size++;
            }
        }
        return r;
    }

    java.util.Comparator<Integer> bestFirst() {
        return java.util.Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparing(ids::get);
    }

    /** Second pass: the same records in the same order, each to its sink. */
    SelectionReport emit(RecordSource source, BitSet keep, RecordSink kept, RecordSink dropped) {
        long in = 0, out = 0, missing = 0;
        double cutoff = Double.NaN;
        int at = 0;
        try (RecordIterator it = source.open()) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                if (at >= size || !r.id().equals(ids.get(at))) {
                    throw new IllegalStateException(source.describe() + " changed between two passes at record "
                            + (at + 1));
                }
                if (keep.get(at)) {
                    in++;
                    cutoff = Double.isNaN(cutoff) ? scores[at] : Math.min(cutoff, scores[at]);
                    kept.write(r);
                } else {
                    if (Double.isNaN(scores[at])) missing++;
                    else out++;
                    dropped.write(r);
                }
                at++;
            }
        }
        return new SelectionReport(size, in, out, missing, cutoff);
    }

    static double value(DataRecord r, String name) {
        Score s = r.scores().get(name);
        return s == null ? Double.NaN : s.value();
    }
}
