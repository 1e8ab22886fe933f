package dev.distillery.judges.reward;

import java.util.Objects;

/**
 * A labelled comparison: {@code chosen} is preferred to {@code rejected} as an answer to {@code prompt}.
 *
 * <pre>{@code new PreferencePair("Capital of France?", "Paris.", "Bananas are yellow.")}</pre>
 */
public record PreferencePair(String prompt, String chosen, String rejected) {
    public PreferencePair {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
    }
}
