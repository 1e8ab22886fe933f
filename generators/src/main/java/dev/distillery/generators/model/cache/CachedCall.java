package dev.distillery.generators.model.cache;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.time.Instant;
import java.util.Objects;

/**
 * One answered call as the cache keeps it: the answer text, what it cost in tokens, why it stopped, and when. One
 * JSON line of the cache file.
 *
 * <pre>{@code CachedCall c = CachedCall.of(key, response); ChatResponse again = c.toResponse();}</pre>
 *
 * @param key          the call's content address ({@link CacheKey})
 * @param text         the answer
 * @param inputTokens  prompt tokens the paid call used, or null
 * @param outputTokens completion tokens the paid call used, or null
 * @param finishReason LangChain4j's finish reason name, or null
 * @param model        the model name the provider reported, or null
 * @param at           when the paid call answered, ISO-8601
 */
public record CachedCall(String key, String text, Integer inputTokens, Integer outputTokens, String finishReason,
                         String model, String at) {

    public CachedCall {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(text, "text");
    }

    /** Whether {@code response} can be replayed from text alone (tool calls and empty answers are not cached). */
    public static boolean cacheable(ChatResponse response) {
        AiMessage m = response.aiMessage();
        return m != null && m.text() != null && !m.hasToolExecutionRequests();
    }

    public static CachedCall of(String key, ChatResponse response) {
        TokenUsage u = response.tokenUsage();
        return new CachedCall(key, response.aiMessage().text(), u == null ? null : u.inputTokenCount(),
                u == null ? null : u.outputTokenCount(),
                response.finishReason() == null ? null : response.finishReason().name(), response.modelName(),
                Instant.now().toString());
    }

    public ChatResponse toResponse() {
        ChatResponse.Builder b = ChatResponse.builder().aiMessage(AiMessage.from(text)).modelName(model);
        if (inputTokens != null || outputTokens != null) b.tokenUsage(new TokenUsage(inputTokens, outputTokens));
        if (finishReason != null) {
            try {
                b.finishReason(FinishReason.valueOf(finishReason));
            } catch (IllegalArgumentException unknown) {
                b.finishReason(FinishReason.OTHER);
            }
        }
        return b.build();
    }
}
