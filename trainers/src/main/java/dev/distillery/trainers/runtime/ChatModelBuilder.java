package dev.distillery.trainers.runtime;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;

import java.util.List;
import java.util.Objects;

/**
 * The settings both local chat models share: default request parameters and listeners. Subclasses only add
 * {@code build()}.
 *
 * @param <B> the concrete builder, so that chained setters keep its type
 */
abstract class ChatModelBuilder<B extends ChatModelBuilder<B>> {

    final LocalModel model;
    final LocalChatRequestParameters.Builder parameters = ChatSupport.defaults();
    List<ChatModelListener> listeners = List.of();

    ChatModelBuilder(LocalModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    public B temperature(double v) {
        parameters.temperature(v);
        return self();
    }

    public B topP(double v) {
        parameters.topP(v);
        return self();
    }

    public B topK(int v) {
        parameters.topK(v);
        return self();
    }

    public B maxOutputTokens(int v) {
        parameters.maxOutputTokens(v);
        return self();
    }

    public B stopSequences(List<String> v) {
        parameters.stopSequences(v);
        return self();
    }

    public B seed(Long v) {
        parameters.seed(v);
        return self();
    }

    /** Replaces the defaults with {@code p}'s non-null values. */
    public B defaultRequestParameters(ChatRequestParameters p) {
        parameters.overrideWith(p);
        return self();
    }

    public B listeners(List<ChatModelListener> v) {
        listeners = v;
        return self();
    }

    /** The defaults as the model reports them, named after the model. */
    LocalChatRequestParameters defaults() {
        return parameters.modelName(model.name()).build();
    }
}
