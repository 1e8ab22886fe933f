package dev.distillery.generators.flow;

import dev.distillery.generators.model.ModelCallException;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A LangChain4j {@link ChatModel} that answers from a script: the test double at the model boundary, for flows that
 * only talk to that interface. It can answer by prompt content, return garbage, cut answers off, or throw.
 *
 * <pre>{@code
 * ScriptedChatModel teacher = ScriptedChatModel.answering(prompt ->
 *         prompt.contains("JSON array") ? "[\"Write a limerick about tea.\"]" : "4");
 * }</pre>
 */
public final class ScriptedChatModel implements ChatModel {

    private final String modelName;
    private final Function<String, String> answer;
    private final Supplier<RuntimeException> failure;
    private final boolean truncate;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<String> prompts = new ArrayList<>();

    private ScriptedChatModel(String modelName, Function<String, String> answer, Supplier<RuntimeException> failure, boolean truncate) {
        this.modelName = modelName;
        this.answer = answer;
        this.failure = failure;
        this.truncate = truncate;
    }

    /** Answers with {@code script} applied to the whole prompt (all messages, one per line, role-prefixed). */
    public static ScriptedChatModel answering(Function<String, String> script) {
        return new ScriptedChatModel("scripted", script, null, false);
    }

    /** Answers in this order, then repeats the last answer. */
    public static ScriptedChatModel inOrder(String... answers) {
        AtomicInteger i = new AtomicInteger();
        return answering(p -> answers[Math.min(i.getAndIncrement(), answers.length - 1)]);
    }

    /** Ignores every requested format: polite prose, no JSON, no structure. */
    public static ScriptedChatModel ignoringFormat(String answer) {
        return answering(p -> answer);
    }

    /** Every call throws {@code e}, as a decorated model does once its retries are spent. */
    public static ScriptedChatModel failing(Supplier<RuntimeException> e) {
        return new ScriptedChatModel("scripted", null, e, false);
    }

    public static ScriptedChatModel failing(ModelCallException.Kind kind) {
        return failing(() -> new ModelCallException(kind, "scripted " + kind, 3, null));
    }

    /** Answers are cut off at the token limit (finish reason LENGTH). */
    public static ScriptedChatModel truncating(Function<String, String> script) {
        return new ScriptedChatModel("scripted", script, null, true);
    }

    /** The same script under another model name (the name lineage records). */
    public ScriptedChatModel named(String name) {
        return new ScriptedChatModel(name, answer, failure, truncate);
    }

    public int calls() {
        return calls.get();
    }

    public synchronized List<String> prompts() {
        return List.copyOf(prompts);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        calls.incrementAndGet();
        String prompt = render(request.messages());
        synchronized (this) {
            prompts.add(prompt);
        }
        if (failure != null) throw failure.get();
        String text = answer.apply(prompt);
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(text))
                .modelName(modelName)
                .tokenUsage(new TokenUsage(prompt.length() / 4 + 1, text.length() / 4 + 1))
                .finishReason(truncate ? FinishReason.LENGTH : FinishReason.STOP)
                .build();
    }

    static String render(List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            switch (m) {
                case SystemMessage s -> sb.append("system: ").append(s.text());
                case UserMessage u -> sb.append("user: ").append(u.singleText());
                case AiMessage a -> sb.append("assistant: ").append(a.text());
                default -> sb.append(m.type()).append(": ").append(m);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
