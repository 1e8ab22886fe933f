package dev.distillery.datasets.clean;

import java.util.List;

/**
 * What a dedup pass did.
 *
 * <pre>{@code DedupReport r = ExactDedup.builder().build().run(source, kept, removed);}</pre>
 *
 * @param read     records read
 * @param kept     records written to the kept sink
 * @param removed  records written to the removed sink
 * @param examples the first few removals (bounded by the builder's {@code maxExamples}), in input order
 */
public record DedupReport(long read, long kept, long removed, List<Duplicate> examples) {

    public DedupReport {
        examples = List.copyOf(examples);
    }

    /**
     * One removal.
     *
     * @param removedId  the record dropped
     * @param keptId     the earlier kept record it duplicates
     * @param similarity 1.0 for exact dedup, the exact shingle Jaccard for MinHash dedup
     */
    public record Duplicate(String removedId, String keptId, double similarity) {
    }
}
