package dev.distillery.trainers.runtime;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.List;
import java.util.Set;

/**
 * LangChain4j {@link StreamingChatModel} over a {@link LocalModel}, with the parameters and behaviour of
 * {@link LocalChatModel}. Text arrives through {@code onPartialResponse} as it becomes final (a partial UTF-8
 * character, or text that might begin a stop sequence, is held back until it is decided).
 *
 * <pre>{@code
 * LocalStreamingChatModel.builder(localModel).build().chat("Tell a story", handler);
 * }</pre>
 *
 * <p>Generation runs on the calling thread: {@code chat} returns after {@code onCompleteResponse} or
 * {@code onError}. Callers that want it asynchronous submit the call to their own executor.
 */
public final class LocalStreamingChatModel implements StreamingChatModel {

    private final LocalModel model;
    private final Generator generator;
    private final LocalChatRequestParameters defaults;
    private final List<ChatModelListener> listeners;

    private LocalStreamingChatModel(Builder b) {
        this.model = b.model;
        this.generator = new Generator(model);
        this.defaults = b.defaults();
        this.listeners = List.copyOf(b.listeners);
    }

    public static Builder builder(LocalModel model) {
        return new Builder(model);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        GenerationResult result;
        try {
            GenerationRequest g = ChatSupport.toGeneration(request, defaults);
            result = generator.generate(g, (sample, token, delta) -> {
                if (!delta.isEmpty()) handler.onPartialResponse(delta);
            });
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        handler.onCompleteResponse(ChatSupport.toResponse(result, model));
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return defaults;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of();
    }

    /** Same defaults as {@link LocalChatModel.Builder}. */
    public static final class Builder extends ChatModelBuilder<Builder> {
        private Builder(LocalModel model) {
            super(model);
        }

        public LocalStreamingChatModel build() {
            return new LocalStreamingChatModel(this);
        }
    }
}
