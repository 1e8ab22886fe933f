package dev.distillery.generators.model;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.Objects;
import java.util.Set;

/**
 * A {@link ChatModel} that wraps another one and adds one cross-cutting behaviour (cache, accounting, concurrency,
 * retries). It reports the wrapped model's default parameters, so that {@link ChatModel#chat(ChatRequest)} hands
 * {@link #doChat} the request with the provider's defaults (temperature, seed, ...) already merged in: a decorator
 * such as the call cache must see exactly what the provider will be asked.
 *
 * <pre>{@code final class Logging extends ChatModelDecorator {
 *     Logging(ChatModel m) { super(m); }
 *     @Override public ChatResponse doChat(ChatRequest r) { log(r); return next(r); }
 * }}</pre>
 */
public abstract class ChatModelDecorator implements ChatModel {

    private final ChatModel delegate;

    protected ChatModelDecorator(ChatModel delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The wrapped model. */
    public final ChatModel delegate() {
        return delegate;
    }

    @Override
    public abstract ChatResponse doChat(ChatRequest request);

    /**
     * Passes {@code request} (defaults already merged) on: straight to the next decorator's {@code doChat}, since
     * merging the same defaults again changes nothing, or through the wrapped model's {@code chat} when it is not a
     * decorator, so that its own listeners and checks run.
     */
    protected final ChatResponse next(ChatRequest request) {
        return delegate instanceof ChatModelDecorator d ? d.doChat(request) : delegate.chat(request);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }
}
