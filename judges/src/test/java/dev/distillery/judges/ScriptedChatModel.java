package dev.distillery.judges;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A LangChain4j {@link ChatModel} that answers from a script instead of a network: the protocol boundary every LLM
 * judge talks through, so a judge under test runs its real prompt rendering, request building and parsing. The script
 * sees each request and returns the reply text, or throws to simulate a failed call. Every request is recorded.
 * Shipped in the judges test-jar for plugin authors.
 *
 * <pre>{@code
 * ScriptedChatModel model = ScriptedChatModel.replying("Fine answer. Rating: [[8]]");
 * ScriptedChatModel flaky = ScriptedChatModel.sequence("garbage", "Rating: [[6]]");
 * ScriptedChatModel down = ScriptedChatModel.answering(r -> { throw new RuntimeException("503"); });
 * }</pre>
 */
public final class ScriptedChatModel implements ChatModel {
    private final String modelName;
    private final Function<ChatRequest, String> script;
    private final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());

    private ScriptedChatModel(String modelName, Function<ChatRequest, String> script) {
        this.modelName = modelName;
        this.script = Objects.requireNonNull(script, "script");
    }

    /** Always the same reply. */
    public static ScriptedChatModel replying(String reply) {
        return answering(r -> reply);
    }

    /** The replies in order; after the last, the last again. */
    public static ScriptedChatModel sequence(String... replies) {
        if (replies.length == 0) throw new IllegalArgumentException("no replies");
        AtomicInteger next = new AtomicInteger();
        return answering(r -> replies[Math.min(next.getAndIncrement(), replies.length - 1)]);
    }

    /** Replies computed from the request (e.g. from {@link #userText(ChatRequest)}); the function may throw. */
    public static ScriptedChatModel answering(Function<ChatRequest, String> script) {
        return new ScriptedChatModel("scripted", script);
    }

    /** Every call throws {@code failure}, as a client does when the server is down. */
    public static ScriptedChatModel failing(RuntimeException failure) {
        return answering(r -> {
            throw failure;
        });
    }

    /** The same script under another model name (judge identities include it). */
    public ScriptedChatModel named(String name) {
        return new ScriptedChatModel(name, script);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        requests.add(request);
        String reply = script.apply(request);
        return ChatResponse.builder().aiMessage(AiMessage.from(reply == null ? "" : reply)).modelName(modelName).build();
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return ChatRequestParameters.builder().modelName(modelName).build();
    }

    /** The requests received so far, in order. */
    public List<ChatRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public int calls() {
        return requests.size();
    }

    /** The user message text of a request (all user messages joined). */
    public static String userText(ChatRequest request) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : request.messages()) {
            if (m instanceof UserMessage u) sb.append(u.singleText()).append('\n');
        }
        return sb.toString();
    }

    /** The system message text of a request, or null. */
    public static String systemText(ChatRequest request) {
        for (ChatMessage m : request.messages()) if (m instanceof SystemMessage s) return s.text();
        return null;
    }
}
