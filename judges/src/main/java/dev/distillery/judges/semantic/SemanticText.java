package dev.distillery.judges.semantic;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;

import java.util.stream.Collectors;

/**
 * Which text of a record semantic dedup embeds.
 *
 * <pre>{@code SemanticDedup.builder().text(SemanticText.PROMPT)}</pre>
 */
public enum SemanticText {
    /** The prompt side ({@code payload.promptText()}): one example per distinct request, whatever the answer. */
    PROMPT,
    /**
     * The answer side: the assistant turns of a chat, the completion, the chosen answer of a preference pair; for a
     * plain text record the text itself.
     */
    RESPONSE,
    /**
     * Prompt and answer ({@code payload.text()}): the default, as in Deita, which embeds whole samples. Two records
     * are duplicates only when question and answer both say the same thing.
     */
    FULL;

    /** The text embedded for {@code record}; empty for pretokenized payloads, which have no text. */
    public String of(DataRecord record) {
        Payload payload = record.payload();
        return switch (this) {
            case PROMPT -> payload.promptText();
            case FULL -> payload.text();
            case RESPONSE -> switch (payload) {
                case Payload.Chat c -> assistantText(c.messages());
                case Payload.PromptCompletion pc -> pc.completion() instanceof Conversation c
                        ? assistantText(c) : pc.completion().text();
                case Payload.Preference p -> p.chosen() instanceof Conversation c ? assistantText(c) : p.chosen().text();
                default -> payload.text();
            };
        };
    }

    private static String assistantText(Conversation c) {
        return c.messages().stream().filter(m -> m.role() == Role.ASSISTANT).map(Message::content)
                .collect(Collectors.joining("\n"));
    }
}
