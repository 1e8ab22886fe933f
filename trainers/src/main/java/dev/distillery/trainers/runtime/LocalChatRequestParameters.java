package dev.distillery.trainers.runtime;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;

import java.util.Objects;

/**
 * LangChain4j request parameters plus a sampler {@code seed}, which LangChain4j 1.19's common parameters lack
 * (providers add it the same way, by subclassing). Use it as a {@link LocalChatModel} default or per request.
 *
 * <pre>{@code
 * ChatRequest r = ChatRequest.builder().messages(UserMessage.from("Hi"))
 *         .parameters(LocalChatRequestParameters.builder().temperature(0.8).seed(42L).build()).build();
 * }</pre>
 */
public class LocalChatRequestParameters extends DefaultChatRequestParameters {

    private final Long seed;

    protected LocalChatRequestParameters(Builder builder) {
        super(builder);
        this.seed = builder.seed;
    }

    /** The sampler seed, or null for a fresh random one per request. */
    public Long seed() {
        return seed;
    }

    /** These parameters with {@code that}'s non-null values on top (the seed included when {@code that} has one). */
    @Override
    public LocalChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    /** {@code defaults} with these parameters' non-null values on top. */
    @Override
    public LocalChatRequestParameters defaultedBy(ChatRequestParameters defaults) {
        return builder().overrideWith(defaults).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalChatRequestParameters that && super.equals(o) && Objects.equals(seed, that.seed);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hashCode(seed);
    }

    @Override
    public String toString() {
        return "LocalChatRequestParameters{" + super.toString() + ", seed=" + seed + "}";
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder: every LangChain4j parameter, plus {@link #seed(Long)}. */
    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Long seed;

        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            super.overrideWith(parameters);
            if (parameters instanceof LocalChatRequestParameters local && local.seed() != null) seed = local.seed();
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        @Override
        public LocalChatRequestParameters build() {
            return new LocalChatRequestParameters(this);
        }
    }
}
