package dev.distillery.trainers.runtime;

import java.util.List;
import java.util.Objects;

/**
 * One generation call.
 *
 * <pre>{@code
 * GenerationRequest r = GenerationRequest.builder(Prompt.text("Once upon"))
 *         .maxNewTokens(32).temperature(0.8).topP(0.95).seed(7L).stopStrings(List.of("\n\n")).n(4).build();
 * }</pre>
 *
 * @param prompt       what to continue
 * @param maxNewTokens most tokens to generate per sample, prompt not included (a stop token counts as generated)
 * @param temperature  0 for greedy (argmax, lowest id on ties); otherwise logits are divided by it before sampling
 * @param topP         nucleus sampling: keep the smallest set of most likely tokens whose mass reaches topP (1 = off)
 * @param topK         keep only the k most likely tokens (0 = off)
 * @param seed         seed of the sampler; null draws one (reported in the result, so a run can be repeated)
 * @param stopStrings  generation stops when the text contains one; the text is cut before it
 * @param n            number of independent samples
 */
public record GenerationRequest(Prompt prompt, int maxNewTokens, double temperature, double topP, int topK, Long seed,
                                List<String> stopStrings, int n) {

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        if (topK < 0) throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        if (n < 1) throw new IllegalArgumentException("n must be >= 1, got " + n);
        for (String s : stopStrings) {
            if (s == null || s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
        }
    }

    /** Starts a request with the defaults: 256 new tokens, greedy, top-p 1, top-k off, no stop strings, one sample. */
    public static Builder builder(Prompt prompt) {
        return new Builder(prompt);
    }

    public boolean greedy() {
        return temperature == 0;
    }

    /** Builder with defaults; see the record components for meaning. */
    public static final class Builder {
        private final Prompt prompt;
        private int maxNewTokens = 256;
        private double temperature = 0;
        private double topP = 1;
        private int topK = 0;
        private Long seed;
        private List<String> stopStrings = List.of();
        private int n = 1;

        private Builder(Prompt prompt) {
            this.prompt = prompt;
        }

        public Builder maxNewTokens(int v) {
            maxNewTokens = v;
            return this;
        }

        public Builder temperature(double v) {
            temperature = v;
            return this;
        }

        public Builder topP(double v) {
            topP = v;
            return this;
        }

        public Builder topK(int v) {
            topK = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder stopStrings(List<String> v) {
            stopStrings = v;
            return this;
        }

        public Builder n(int v) {
            n = v;
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(prompt, maxNewTokens, temperature, topP, topK, seed, stopStrings, n);
        }
    }
}
