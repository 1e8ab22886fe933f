package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Role;

import java.util.Map;
import java.util.Set;

/**
 * OpenAI preference fine-tuning rows, {@code {"input": {"messages", "tools"?, "parallel_tool_calls"?},
 * "preferred_output": [...], "non_preferred_output": [...]}}, as a conversational {@link Payload.Preference}.
 * Members of {@code input} other than {@code messages} are kept as a source field {@code input} (without the
 * messages) and merged back on encode; like {@code openai-chat}, only keys OpenAI accepts are ever written.
 *
 * <pre>{@code
 * ObjectNode row = new OpenAiDpoFormat().encode(preferenceRecord, loss);
 * }</pre>
 */
public final class OpenAiDpoFormat extends AbstractFormat {

    private static final Set<String> ACCEPTED_INPUT_KEYS = Set.of("tools", "parallel_tool_calls");

    public OpenAiDpoFormat() {
        super("openai-dpo", "OpenAI preference fine-tuning: {\"input\": {\"messages\"}, \"preferred_output\", \"non_preferred_output\"}");
    }

    @Override
    public int match(ObjectNode row) {
        return row.path("input").isObject() && row.has("preferred_output") && row.has("non_preferred_output") ? 50 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        ObjectNode input = Rows.object(row.require("input", "an object with messages"), "input");
        if (input.get("messages") == null) {
            throw new FieldException("input.messages", "required field missing, expected a list of messages");
        }
        Conversation prompt = Rows.messages(input.get("messages"), "input.messages");
        ObjectNode extras = input.deepCopy();
        extras.remove("messages");
        if (!extras.isEmpty()) row.keep("input", extras);
        return new Payload.Preference(prompt, outputs(row, "preferred_output"), outputs(row, "non_preferred_output"));
    }

    private static Conversation outputs(Row row, String key) {
        Conversation c = Rows.messages(row.require(key, "a list of assistant messages"), key);
        for (int i = 0; i < c.messages().size(); i++) {
            Message m = c.messages().get(i);
            if (m.role() != Role.ASSISTANT) {
                throw new FieldException(key + "[" + i + "].role", "expected 'assistant', found '" + m.role().wireName() + "'");
            }
        }
        return c;
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        if (!(payload instanceof Payload.Preference p)) throw cannotCarry(payload, "it needs prompt, chosen and rejected");
        if (p.prompt() instanceof PlainText || p.chosen() instanceof PlainText || p.rejected() instanceof PlainText) {
            notes.add("plain-text sides (written as messages)");
        }
        Conversation chosen = Rows.asMessages(p.chosen(), Role.ASSISTANT);
        Conversation rejected = Rows.asMessages(p.rejected(), Role.ASSISTANT);
        if (!chosen.messages().stream().allMatch(m -> m.role() == Role.ASSISTANT)
                || !rejected.messages().stream().allMatch(m -> m.role() == Role.ASSISTANT)) {
            throw cannotCarry(payload, "chosen and rejected must hold assistant messages only");
        }
        ObjectNode out = Json.object();
        ObjectNode input = out.putObject("input");
        input.set("messages", Rows.writeMessages(Rows.asMessages(p.prompt(), Role.USER)));
        JsonNode extras = ownSource.get("input");
        if (extras != null && extras.isObject()) {
            OpenAiChatFormat.writeAccepted(input, (ObjectNode) extras, ACCEPTED_INPUT_KEYS, notes);
        }
        out.set("preferred_output", Rows.writeMessages(chosen));
        out.set("non_preferred_output", Rows.writeMessages(rejected));
        return out;
    }

    @Override
    void writeSourceFields(ObjectNode out, ObjectNode fields, Set<String> notes) {
        // input was merged by encodePayload; any other top-level key would fail OpenAI's validation.
        for (Map.Entry<String, JsonNode> e : fields.properties()) {
            if (!e.getKey().equals("input")) notes.add("fields OpenAI's validator rejects");
        }
    }
}
