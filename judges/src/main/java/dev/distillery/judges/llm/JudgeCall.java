package dev.distillery.judges.llm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.List;
import java.util.function.Function;

/**
 * One judgment asked of a model: send the messages, parse the reply, and try again (up to {@code attempts} times)
 * when the call throws or the reply does not parse. Nothing escapes as an exception: the last reason and raw reply
 * come back as a {@link Outcome.GaveUp}.
 *
 * @param temperature sampling temperature (0 for judging; P(True) samples above 0)
 * @param maxTokens   cap on the reply; null leaves the model's default
 * @param attempts    how many times to ask before giving up, at least 1
 */
record JudgeCall(double temperature, Integer maxTokens, int attempts) {

    JudgeCall {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
    }

    sealed interface Outcome<T> {
        record Answered<T>(T value, String raw) implements Outcome<T> {
        }

        record GaveUp<T>(String reason, String raw) implements Outcome<T> {
        }
    }

    <T> Outcome<T> ask(ChatModel model, List<ChatMessage> messages, Function<String, ParseResult<T>> parser) {
        String reason = null;
        String raw = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            String text;
            try {
                text = send(model, messages);
            } catch (RuntimeException e) {
                reason = "model call failed: " + describe(e);
                raw = null;
                continue;
            }
            raw = text;
            ParseResult<T> parsed;
            try {
                parsed = parser.apply(text);
            } catch (RuntimeException e) {
                // A parser bug must still leave a recorded failure, not kill the batch.
                parsed = ParseResult.unparsed("parser failed: " + describe(e));
            }
            switch (parsed) {
                case ParseResult.Parsed<T> p -> {
                    return new Outcome.Answered<>(p.value(), text);
                }
                case ParseResult.Unparsed<T> u -> reason = "unparseable verdict: " + u.reason();
            }
        }
        return new Outcome.GaveUp<>(attempts > 1 ? reason + " (after " + attempts + " attempts)" : reason, raw);
    }

    /** One call; the reply's text, empty when the model returned none. */
    String send(ChatModel model, List<ChatMessage> messages) {
        ChatRequest.Builder request = ChatRequest.builder().messages(messages).temperature(temperature);
        if (maxTokens != null) request.maxOutputTokens(maxTokens);
        ChatResponse response = model.chat(request.build());
        if (response == null || response.aiMessage() == null || response.aiMessage().text() == null) return "";
        return response.aiMessage().text();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
