package dev.distillery.trainers.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One training example as token ids and labels (Hugging Face convention: same length, -100 where nothing is learned,
 * the shift happens inside the model).
 *
 * <pre>{@code new TokenizedExample(new int[]{1, 42, 43, 2}, new int[]{-100, -100, 43, 2})}</pre>
 */
public record TokenizedExample(int[] inputIds, int[] labels) {

    public TokenizedExample {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(labels, "labels");
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException("labels (" + labels.length + ") and input_ids (" + inputIds.length
                    + ") differ in length");
        }
        if (inputIds.length == 0) throw new IllegalArgumentException("empty example");
    }

    public int length() {
        return inputIds.length;
    }

    /** Positions that are learned (a label at t + 1 that is not -100). */
    public int targets() {
        int n = 0;
        for (int t = 1; t < labels.length; t++) if (labels[t] != -100) n++;
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedExample e && Arrays.equals(e.inputIds, inputIds) && Arrays.equals(e.labels, labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(labels);
    }
}
