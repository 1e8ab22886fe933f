package dev.distillery.trainers.runtime;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;

import java.util.Objects;

/**
 * LangChain4j response metadata plus what only a local model can tell: the generated token ids with their
 * log-probabilities, the seed that reproduces the answer, and the backend that produced it.
 *
 * <pre>{@code
 * var meta = (LocalChatResponseMetadata) chatModel.chat(request).metadata();
 * double[] lps = meta.sample().logProbs();
 * }</pre>
 */
public class LocalChatResponseMetadata extends ChatResponseMetadata {

    private final GenerationResult.Sample sample;
    private final long seed;
    private final LocalModel.Backend backend;

    protected LocalChatResponseMetadata(Builder builder) {
        super(builder);
        this.sample = Objects.requireNonNull(builder.sample, "sample");
        this.seed = builder.seed;
        this.backend = builder.backend;
    }

    /** The generated sample: token ids (including a final stop token), per-token log-probs, finish reason. */
    public GenerationResult.Sample sample() {
        return sample;
    }

    /** The sampler seed that was used; pass it back to reproduce this answer. */
    public long seed() {
        return seed;
    }

    public LocalModel.Backend backend() {
        return backend;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalChatResponseMetadata m && super.equals(o) && m.sample.equals(sample) && m.seed == seed
                && m.backend == backend;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), sample, seed, backend);
    }

    @Override
    public String toString() {
        return "LocalChatResponseMetadata{" + super.toString() + ", seed=" + seed + ", backend=" + backend + "}";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link LocalChatResponseMetadata}. */
    public static class Builder extends ChatResponseMetadata.Builder<Builder> {
        private GenerationResult.Sample sample;
        private long seed;
        private LocalModel.Backend backend;

        public Builder sample(GenerationResult.Sample sample) {
            this.sample = sample;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder backend(LocalModel.Backend backend) {
            this.backend = backend;
            return this;
        }

        @Override
        public LocalChatResponseMetadata build() {
            return new LocalChatResponseMetadata(this);
        }
    }
}
