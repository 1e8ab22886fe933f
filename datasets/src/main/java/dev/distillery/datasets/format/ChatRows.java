package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Payload;

/** The {@code {"messages": [...], "tools"?}} layout that TRL conversational SFT and OpenAI fine-tuning share. */
final class ChatRows {

    private ChatRows() {
    }

    static boolean looksLikeChat(ObjectNode row) {
        return row.path("messages").isArray();
    }

    static Payload.Chat decode(Row row) {
        var messages = Rows.messages(row.require("messages", "a list of messages"), "messages");
        // "tools": null stays a source field, so the row comes back exactly as it was.
        JsonNode tools = row.has("tools") ? row.take("tools").deepCopy() : null;
        return new Payload.Chat(messages, tools);
    }

    static ObjectNode encode(Payload.Chat chat) {
        ObjectNode out = Json.object();
        out.set("messages", Rows.writeMessages(chat.messages()));
        if (chat.tools() != null) out.set("tools", chat.tools().deepCopy());
        return out;
    }
}
