package dev.distillery.judges.reward;

import java.util.Objects;

/**
 * One response to one prompt: what the reward model scores.
 *
 * <pre>{@code new PromptResponse("How do I boil an egg?", "Simmer it for nine minutes.")}</pre>
 */
public record PromptResponse(String prompt, String response) {
    public PromptResponse {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(response, "response");
    }
}
