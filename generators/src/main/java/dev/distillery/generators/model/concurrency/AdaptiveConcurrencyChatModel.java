package dev.distillery.generators.model.concurrency;

import dev.distillery.generators.model.ChatModelDecorator;
import dev.distillery.generators.model.ModelCallException.Kind;
import dev.distillery.generators.model.retry.Failure;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.Objects;

/**
 * Admission through an {@link AimdLimiter} around a model that does its own retries (or none). Model access built by
 * {@code ModelAccess} does not need this class: there the retry layer admits each attempt, so that callers waiting out
 * a {@code Retry-After} hold no slot. Use it to bound a model stacked by hand.
 *
 * <pre>{@code ChatModel bounded = new AdaptiveConcurrencyChatModel(model, AimdLimiter.builder().maxLimit(16).build());}</pre>
 */
public final class AdaptiveConcurrencyChatModel extends ChatModelDecorator {

    private final AimdLimiter limiter;

    public AdaptiveConcurrencyChatModel(ChatModel delegate, AimdLimiter limiter) {
        super(delegate);
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    public AimdLimiter limiter() {
        return limiter;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        AimdLimiter.Permit permit;
        try {
            permit = limiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a model slot", e);
        }
        try {
            ChatResponse response = next(request);
            permit.release(AimdLimiter.Outcome.SUCCESS);
            return response;
        } catch (RuntimeException e) {
            Kind kind = Failure.of(e).kind();
            permit.release(kind == Kind.RATE_LIMITED || kind == Kind.TIMEOUT ? AimdLimiter.Outcome.OVERLOAD : AimdLimiter.Outcome.IGNORE);
            throw e;
        }
    }
}
