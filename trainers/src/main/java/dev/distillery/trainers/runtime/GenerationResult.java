package dev.distillery.trainers.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Generator#generate} returns: one {@link Sample} per requested sample, in order.
 *
 * <pre>{@code String answer = generator.generate(request).first().text();}</pre>
 *
 * @param samples     the samples
 * @param promptIds   the prompt as the model saw it
 * @param seed        the sampler seed actually used (the request's, or the drawn one)
 * @param backend     which backend generated
 */
public record GenerationResult(List<Sample> samples, int[] promptIds, long seed, LocalModel.Backend backend) {

    public GenerationResult {
        samples = List.copyOf(samples);
        promptIds = promptIds.clone();
    }

    public Sample first() {
        return samples.getFirst();
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    /** Why a sample ended. */
    public enum FinishReason {
        /** The model produced a stop token (config eos_token_id or the chat template's eos token). */
        STOP,
        /** maxNewTokens was reached, or the backend's position limit. */
        LENGTH,
        /** The text contained a stop string. */
        STOP_STRING
    }

    /**
     * One generated continuation.
     *
     * @param text         decoded text of the generated tokens without special tokens; cut before a stop string
     * @param tokenIds     every generated token, including a final stop token (STOP) and the tokens that spelled a
     *                     stop string (STOP_STRING; tokens cannot be cut mid-way)
     * @param logProbs     per token of {@code tokenIds}: log softmax of the model's raw logits (temperature 1, no
     *                     top-p/top-k truncation), i.e. the model's own log-probability of that token
     * @param finishReason why it ended
     * @param inputTokens  prompt tokens
     * @param outputTokens generated tokens ({@code tokenIds.length})
     */
    public record Sample(String text, int[] tokenIds, double[] logProbs, FinishReason finishReason, int inputTokens,
                         int outputTokens) {

        public Sample {
            Objects.requireNonNull(text, "text");
            tokenIds = tokenIds.clone();
            logProbs = logProbs.clone();
            if (tokenIds.length != logProbs.length || outputTokens != tokenIds.length) {
                throw new IllegalArgumentException("token ids, log-probs and output count disagree");
            }
        }

        @Override
        public int[] tokenIds() {
            return tokenIds.clone();
        }

        @Override
        public double[] logProbs() {
            return logProbs.clone();
        }

        /** Σ log p over the generated tokens. */
        public double sumLogProb() {
            return Arrays.stream(logProbs).sum();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sample s && s.text.equals(text) && Arrays.equals(s.tokenIds, tokenIds)
                    && Arrays.equals(s.logProbs, logProbs) && s.finishReason == finishReason
                    && s.inputTokens == inputTokens && s.outputTokens == outputTokens;
        }

        @Override
        public int hashCode() {
            return Objects.hash(text, Arrays.hashCode(tokenIds), finishReason, inputTokens);
        }

        @Override
        public String toString() {
            return "Sample[text=" + text + ", tokenIds=" + Arrays.toString(tokenIds) + ", finishReason=" + finishReason
                    + ", inputTokens=" + inputTokens + ", outputTokens=" + outputTokens + "]";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationResult r && r.samples.equals(samples) && Arrays.equals(r.promptIds, promptIds)
                && r.seed == seed && r.backend == backend;
    }

    @Override
    public int hashCode() {
        return Objects.hash(samples, Arrays.hashCode(promptIds), seed, backend);
    }
}
