package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.model.Payload;

import java.util.Set;

/**
 * TRL conversational SFT rows, {@code {"messages": [{"role", "content", "name"?, "tool_calls"?}], "tools"?}}, as
 * {@link Payload.Chat}. Rows of this shape are detected as this format rather than {@code openai-chat}.
 *
 * <pre>{@code
 * ObjectNode row = new TrlMessagesFormat().encode(chatRecord, loss);
 * }</pre>
 */
public final class TrlMessagesFormat extends AbstractFormat {

    public TrlMessagesFormat() {
        super("trl-messages", "TRL conversational SFT: {\"messages\": [{\"role\", \"content\"}], \"tools\"?}");
    }

    @Override
    public int match(ObjectNode row) {
        return ChatRows.looksLikeChat(row) ? 20 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        return ChatRows.decode(row);
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        if (!(payload instanceof Payload.Chat chat)) throw cannotCarry(payload, "it needs a conversation (messages)");
        return ChatRows.encode(chat);
    }
}
