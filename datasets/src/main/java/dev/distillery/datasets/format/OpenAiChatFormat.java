package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;

import java.util.Map;
import java.util.Set;

/**
 * OpenAI chat fine-tuning rows (also used by Azure and Fireworks): {@code {"messages": [...], "tools"?,
 * "parallel_tool_calls"?}}. The upload validator rejects unknown keys, so on encode only keys it accepts are written;
 * every other source field is reported as not carried. The last message must be an assistant turn.
 *
 * <pre>{@code
 * ObjectNode row = new OpenAiChatFormat().encode(chatRecord, loss);
 * }</pre>
 */
public final class OpenAiChatFormat extends AbstractFormat {

    /** Top-level keys OpenAI accepts besides the ones the payload writes. */
    static final Set<String> ACCEPTED_EXTRA_KEYS = Set.of("parallel_tool_calls");

    public OpenAiChatFormat() {
        super("openai-chat", "OpenAI chat fine-tuning: {\"messages\": [...], \"tools\"?}; writes only keys OpenAI accepts");
    }

    @Override
    public int match(ObjectNode row) {
        // Same shape as trl-messages; that format wins detection, this one is chosen by name.
        return ChatRows.looksLikeChat(row) ? 15 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        return ChatRows.decode(row);
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        if (!(payload instanceof Payload.Chat chat)) throw cannotCarry(payload, "it needs a conversation (messages)");
        if (chat.messages().last().role() != Role.ASSISTANT) {
            throw cannotCarry(payload, "the last message must be an assistant turn, found " + chat.messages().last().role().wireName());
        }
        return ChatRows.encode(chat);
    }

    @Override
    void writeSourceFields(ObjectNode out, ObjectNode fields, Set<String> notes) {
        writeAccepted(out, fields, ACCEPTED_EXTRA_KEYS, notes);
    }

    /** Writes the fields OpenAI accepts and notes the rest, which its validator would reject. */
    static void writeAccepted(ObjectNode out, ObjectNode fields, Set<String> accepted, Set<String> notes) {
        for (Map.Entry<String, JsonNode> e : fields.properties()) {
            if (accepted.contains(e.getKey()) && !out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue().deepCopy());
            } else {
                notes.add("fields OpenAI's validator rejects");
            }
        }
    }
}
