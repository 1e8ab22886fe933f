package dev.distillery.trainers.data;

import dev.distillery.trainers.engine.Batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns examples into {@link Batch}es: one example per row, right-padded; or, with packing, several examples per row
 * (best-fit decreasing, like TRL's {@code bfd}), each restarting its RoPE positions so it only attends to itself.
 *
 * <pre>{@code
 * List<List<TokenizedExample>> rows = Batcher.pack(examples, 256);   // each inner list fills one row
 * Batch b = Batcher.batch(rows.subList(0, 8), 256, padId);
 * }</pre>
 */
public final class Batcher {

    private Batcher() {
    }

    /** One row per example. */
    public static List<List<TokenizedExample>> unpacked(List<TokenizedExample> examples) {
        List<List<TokenizedExample>> rows = new ArrayList<>(examples.size());
        for (TokenizedExample e : examples) rows.add(List.of(e));
        return rows;
    }

    /**
     * Best-fit decreasing: longest examples first, each into the fullest row it still fits in. The result order is
     * deterministic for a given input order.
     */
    public static List<List<TokenizedExample>> pack(List<TokenizedExample> examples, int rowLength) {
        List<TokenizedExample> sorted = new ArrayList<>(examples);
        sorted.sort(Comparator.comparingInt(TokenizedExample::length).reversed());
        List<List<TokenizedExample>> rows = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        for (TokenizedExample e : sorted) {
            if (e.length() > rowLength) {
                throw new IllegalArgumentException("example of " + e.length() + " tokens does not fit a row of "
                        + rowLength + "; truncate or drop it before packing");
            }
            int best = -1;
            for (int r = 0; r < rows.size(); r++) {
                int f = free.get(r);
                if (f >= e.length() && (best < 0 || f < free.get(best))) best = r;
            }
            if (best < 0) {
                rows.add(new ArrayList<>());
                free.add(rowLength);
                best = rows.size() - 1;
            }
            rows.get(best).add(e);
            free.set(best, free.get(best) - e.length());
        }
        return rows;
    }

    /**
     * Builds a batch of {@code rows.size()} rows of {@code seqLen} tokens; padding gets {@code padId} and label -100.
     */
    public static Batch batch(List<List<TokenizedExample>> rows, int seqLen, int padId) {
        int n = rows.size() * seqLen;
        int[] ids = new int[n];
        int[] labels = new int[n];
        int[] pos = new int[n];
        Arrays.fill(ids, padId);
        Arrays.fill(labels, Batch.IGNORE);
        for (int r = 0; r < rows.size(); r++) {
            int t = r * seqLen;
            int end = t + seqLen;
            for (TokenizedExample e : rows.get(r)) {
                if (t + e.length() > end) {
                    throw new IllegalArgumentException("row " + r + " holds more than " + seqLen + " tokens");
                }
                System.arraycopy(e.inputIds(), 0, ids, t, e.length());
                System.arraycopy(e.labels(), 0, labels, t, e.length());
                // The first label of an example must not be learned from the previous example's last token.
                labels[t] = Batch.IGNORE;
                for (int i = 0; i < e.length(); i++) pos[t + i] = i;
                t += e.length();
            }
            // Padding continues the last sequence's positions: it is never scored and nothing attends to it.
            int p = t > r * seqLen ? pos[t - 1] + 1 : 0;
            for (; t < end; t++) pos[t] = p++;
        }
        return new Batch(rows.size(), seqLen, ids, labels, pos);
    }

    /** The longest row in tokens, to size a batch tightly. */
    public static int longest(List<List<TokenizedExample>> rows) {
        int max = 1;
        for (List<TokenizedExample> row : rows) {
            int len = 0;
            for (TokenizedExample e : row) len += e.length();
            max = Math.max(max, len);
        }
        return max;
    }
}
