package dev.distillery.trainers.runtime;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What {@link LocalChatModel} and {@link LocalStreamingChatModel} share: request mapping and response building. */
final class ChatSupport {

    private ChatSupport() {
    }

    /** Builder defaults: greedy would surprise chat users, so sampling at 0.7 unless the builder says otherwise. */
    static LocalChatRequestParameters.Builder defaults() {
        return LocalChatRequestParameters.builder().temperature(0.7).topP(1.0).maxOutputTokens(256);
    }

    /** Maps a (defaults-merged) LangChain4j request onto a generation request; refuses what is not supported. */
    static GenerationRequest toGeneration(ChatRequest request, LocalChatRequestParameters defaults) {
        ChatRequestParameters p = defaults.overrideWith(request.parameters());
        if (p.frequencyPenalty() != null && p.frequencyPenalty() != 0) unsupported("'frequencyPenalty' parameter");
        if (p.presencePenalty() != null && p.presencePenalty() != 0) unsupported("'presencePenalty' parameter");
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) unsupported("tools");
        if (p.toolChoice() == ToolChoice.REQUIRED) unsupported("ToolChoice.REQUIRED");
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
            unsupported("JSON response format");
        }
        GenerationRequest.Builder b = GenerationRequest.builder(Prompt.chat(conversation(request.messages())));
        if (p.temperature() != null) b.temperature(p.temperature());
        if (p.topP() != null) b.topP(p.topP());
        if (p.topK() != null) b.topK(p.topK());
        if (p.maxOutputTokens() != null) b.maxNewTokens(p.maxOutputTokens());
        if (p.stopSequences() != null) b.stopStrings(p.stopSequences());
        if (p instanceof LocalChatRequestParameters local) b.seed(local.seed());
        return b.build();
    }

    static Conversation conversation(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) throw new IllegalArgumentException("a chat request needs messages");
        List<Message> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            switch (m) {
                case SystemMessage s -> out.add(Message.system(s.text()));
                case UserMessage u -> out.add(Message.user(userText(u)));
                case AiMessage a -> {
                    if (a.hasToolExecutionRequests()) unsupported("tool execution requests in AI messages");
                    out.add(Message.assistant(a.text() == null ? "" : a.text()));
                }
                default -> unsupported("messages of type " + m.type());
            }
        }
        return new Conversation(out);
    }

    private static String userText(UserMessage u) {
        if (u.hasSingleText()) return u.singleText();
        StringBuilder sb = new StringBuilder();
        for (Content c : u.contents()) {
            if (!(c instanceof TextContent t)) {
                unsupported("content of type " + c.type());
                return "";
            }
            sb.append(t.text());
        }
        return sb.toString();
    }

    static ChatResponse toResponse(GenerationResult result, LocalModel model) {
        GenerationResult.Sample s = result.first();
        FinishReason reason = s.finishReason() == GenerationResult.FinishReason.LENGTH ? FinishReason.LENGTH
                : FinishReason.STOP;
        LocalChatResponseMetadata meta = LocalChatResponseMetadata.builder()
                .id(UUID.randomUUID().toString())
                .modelName(model.name())
                .tokenUsage(new TokenUsage(s.inputTokens(), s.outputTokens()))
                .finishReason(reason)
                .sample(s)
                .seed(result.seed())
                .backend(result.backend())
                .build();
        return ChatResponse.builder().aiMessage(AiMessage.from(s.text())).metadata(meta).build();
    }

    private static void unsupported(String what) {
        throw new UnsupportedFeatureException(what + " is not supported by the local model runtime");
    }
}
