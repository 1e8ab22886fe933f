package dev.distillery.trainers.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * One micro-batch of token rows in the Hugging Face label convention: {@code labels} is aligned with
 * {@code inputIds}, -100 marks positions not trained on, and the shift happens inside the model (the logits at
 * position t are scored against {@code labels[t + 1]}).
 *
 * <p>{@code positions} carries the RoPE position of each token and, through it, packing: a token at position p
 * attends only to the p tokens before it, so a packed row whose positions restart at 0 gets a block-diagonal causal
 * mask for free. Padding uses label -100 (its position does not matter: later tokens never see it under causality).
 *
 * <pre>{@code
 * Batch b = Batch.of(2, 4, new int[]{5, 6, 7, 8,  5, 9, 0, 0},
 *                         new int[]{-100, 6, 7, 8,  -100, 9, -100, -100});
 * }</pre>
 *
 * @param rows      number of sequences (B)
 * @param seqLen    tokens per row (T); every row is padded to it
 * @param inputIds  {@code rows * seqLen} token ids, row-major
 * @param labels    {@code rows * seqLen} target ids or -100
 * @param positions {@code rows * seqLen} RoPE positions (0, 1, 2, ... per sequence)
 */
public record Batch(int rows, int seqLen, int[] inputIds, int[] labels, int[] positions) {

    public static final int IGNORE = -100;

    public Batch {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(positions, "positions");
        int n = rows * seqLen;
        if (rows < 1 || seqLen < 1 || inputIds.length != n || labels.length != n || positions.length != n) {
            throw new IllegalArgumentException("batch " + rows + "x" + seqLen + " needs " + n + " ids, labels and "
                    + "positions; got " + inputIds.length + ", " + labels.length + ", " + positions.length);
        }
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < seqLen; t++) {
                int p = positions[r * seqLen + t];
                if (p < 0 || p > t) {
                    throw new IllegalArgumentException("row " + r + " position " + t + ": RoPE position " + p
                            + " must be in [0, " + t + "] (a sequence cannot start before its row)");
                }
            }
        }
    }

    /** A batch without packing: positions 0..seqLen-1 in every row. */
    public static Batch of(int rows, int seqLen, int[] inputIds, int[] labels) {
        int[] pos = new int[rows * seqLen];
        for (int r = 0; r < rows; r++) for (int t = 0; t < seqLen; t++) pos[r * seqLen + t] = t;
        return new Batch(rows, seqLen, inputIds, labels, pos);
    }

    /** Number of scored targets: positions t with {@code labels[t + 1] != -100} inside a row. */
    public int targetCount() {
        int n = 0;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t + 1 < seqLen; t++) if (labels[r * seqLen + t + 1] != IGNORE) n++;
        }
        return n;
    }

    /** Targets per row. */
    public int[] targetCounts() {
        int[] n = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t + 1 < seqLen; t++) if (labels[r * seqLen + t + 1] != IGNORE) n[r]++;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && b.rows == rows && b.seqLen == seqLen && Arrays.equals(b.inputIds, inputIds)
                && Arrays.equals(b.labels, labels) && Arrays.equals(b.positions, positions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, seqLen, Arrays.hashCode(inputIds), Arrays.hashCode(labels));
    }
}
