package dev.distillery.judges.semantic;

import java.util.Arrays;

/**
 * What {@link SemanticDedup#select} decided for each input vector.
 *
 * <pre>{@code
 * Selection s = dedup.select(vectors);
 * for (int i = 0; i < s.size(); i++) if (!s.isKept(i)) System.out.println(i + " ~ " + s.matched(i));
 * }</pre>
 *
 * @param matched    per input: −1 when kept, else the input index of the most similar earlier kept item
 * @param similarity per input: the highest cosine to any item kept before it (−∞ when nothing was kept yet)
 */
public record Selection(int[] matched, float[] similarity) {

    public Selection {
        if (matched.length != similarity.length) throw new IllegalArgumentException("length mismatch");
        matched = matched.clone();
        similarity = similarity.clone();
    }

    public int size() {
        return matched.length;
    }

    public boolean isKept(int i) {
        return matched[i] < 0;
    }

    /** The input index of the kept item that {@code i} duplicates, or −1 when {@code i} was kept. */
    public int matched(int i) {
        return matched[i];
    }

    public float similarity(int i) {
        return similarity[i];
    }

    @Override
    public int[] matched() {
        return matched.clone();
    }

    @Override
    public float[] similarity() {
        return similarity.clone();
    }

    /** Input indices of the kept items, ascending. */
    public int[] kept() {
        return java.util.stream.IntStream.range(0, matched.length).filter(i -> matched[i] < 0).toArray();
    }

    public int keptCount() {
        return (int) Arrays.stream(matched).filter(m -> m < 0).count();
    }

    public int droppedCount() {
        return size() - keptCount();
    }
}
