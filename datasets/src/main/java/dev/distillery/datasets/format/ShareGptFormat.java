package dev.distillery.datasets.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Role;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * LLaMA-Factory's ShareGPT rows, {@code {"conversations": [{"from", "value"}], "system"?, "tools"?}}, as
 * {@link Payload.Chat}, and the preference variant with {@code "chosen"}/{@code "rejected"} turns as
 * {@link Payload.Preference} with a conversational prompt.
 *
 * <p>Speakers: {@code human} is user, {@code gpt} assistant, {@code observation} a tool turn and {@code system} a
 * system turn; the top-level {@code system} becomes a leading system message and goes back there on encode. A
 * {@code function_call} turn becomes an assistant turn with OpenAI/TRL {@code tool_calls}: its value, the JSON text
 * {@code {"name", "arguments"}} (or a list of them), is parsed into
 * {@code [{"type": "function", "function": {"name", "arguments"}}]}, so other formats see a real tool call. The call
 * itself is kept exactly; on encode the value is written back as compact JSON, so only insignificant whitespace of
 * the original text can differ. The {@code tools} value is kept verbatim (LLaMA-Factory stores it as a JSON string).
 *
 * <pre>{@code
 * DataRecord chat = new ShareGptFormat().decode(row);
 * }</pre>
 */
public final class ShareGptFormat extends AbstractFormat {

    private static final String SPEAKERS = "human, gpt, system, observation, function_call";

    public ShareGptFormat() {
        super("sharegpt", "ShareGPT (LLaMA-Factory): {\"conversations\": [{\"from\", \"value\"}], \"system\"?, \"tools\"?}, "
                + "or with \"chosen\"/\"rejected\"");
    }

    @Override
    public int match(ObjectNode row) {
        return row.path("conversations").isArray() ? 40 : 0;
    }

    @Override
    Payload decodePayload(Row row) {
        JsonNode turns = row.require("conversations", "a list of {\"from\", \"value\"} turns");
        if (!turns.isArray()) throw Rows.wrongType("conversations", "a list of {\"from\", \"value\"} turns", turns);
        if (turns.isEmpty()) throw new FieldException("conversations", "expected at least one turn, found an empty list");
        List<Message> messages = new ArrayList<>();
        String system = row.optionalText("system");
        if (system != null) messages.add(Message.system(system));
        for (int i = 0; i < turns.size(); i++) messages.add(turn(turns.get(i), "conversations[" + i + "]"));
        Conversation conversation = new Conversation(messages);
        if (row.has("chosen") || row.has("rejected")) {
            return new Payload.Preference(conversation, answer(row, "chosen"), answer(row, "rejected"));
        }
        JsonNode tools = row.has("tools") ? row.take("tools").deepCopy() : null;
        return new Payload.Chat(conversation, tools);
    }

    private static Conversation answer(Row row, String key) {
        Message m = turn(row.require(key, "a {\"from\": \"gpt\", \"value\"} turn"), key);
        if (m.role() != Role.ASSISTANT) {
            throw new FieldException(key + ".from", "expected 'gpt' for a preference answer, found '" + row.peek(key).path("from").asText() + "'");
        }
        return Conversation.of(m);
    }

    private static Message turn(JsonNode n, String path) {
        ObjectNode t = Rows.object(n, path);
        for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("from") && !key.equals("value")) {
                throw new FieldException(path + "." + key, "unknown turn field, expected from and value");
            }
        }
        if (t.get("from") == null) throw new FieldException(path + ".from", "required field missing, expected one of " + SPEAKERS);
        String from = Rows.text(t.get("from"), path + ".from");
        if (t.get("value") == null) throw new FieldException(path + ".value", "required field missing, expected the turn text as a string");
        String value = Rows.text(t.get("value"), path + ".value");
        return switch (from) {
            case "human" -> Message.user(value);
            case "gpt" -> Message.assistant(value);
            case "system" -> Message.system(value);
            case "observation" -> new Message(Role.TOOL, value, null, null);
            case "function_call" -> new Message(Role.ASSISTANT, "", null, toolCalls(value, path + ".value"));
            default -> throw new FieldException(path + ".from", "unknown speaker '" + from + "', expected one of " + SPEAKERS);
        };
    }

    private static ArrayNode toolCalls(String value, String path) {
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            parsed = null;
        }
        List<JsonNode> calls = new ArrayList<>();
        if (parsed != null && parsed.isArray()) parsed.forEach(calls::add);
        else if (parsed != null) calls.add(parsed);
        if (calls.isEmpty() || !calls.stream().allMatch(c -> c.isObject() && c.path("name").isTextual())) {
            throw new FieldException(path, "expected the JSON text of a function call {\"name\", \"arguments\"} "
                    + "(or a list of them) in a function_call turn");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode c : calls) out.add(Json.object().put("type", "function").set("function", c));
        return out;
    }

    @Override
    ObjectNode encodePayload(Payload payload, ObjectNode ownSource, Set<String> notes) {
        return switch (payload) {
            case Payload.Chat chat -> {
                ObjectNode out = conversation(chat.messages(), notes);
                if (chat.tools() != null) out.set("tools", chat.tools().deepCopy());
                yield out;
            }
            case Payload.Preference p -> {
                if (p.prompt() instanceof PlainText) notes.add("plain-text prompts (written as a human turn)");
                ObjectNode out = conversation(Rows.asMessages(p.prompt(), Role.USER), notes);
                out.set("chosen", answerTurn(p, Rows.asAnswerText(p.chosen())));
                out.set("rejected", answerTurn(p, Rows.asAnswerText(p.rejected())));
                yield out;
            }
            default -> throw cannotCarry(payload, "it needs conversations, or conversations with chosen and rejected");
        };
    }

    private ObjectNode answerTurn(Payload.Preference p, String text) {
        if (text == null) throw cannotCarry(p, "chosen and rejected must each be a single assistant answer");
        return Json.object().put("from", "gpt").put("value", text);
    }

    private ObjectNode conversation(Conversation c, Set<String> notes) {
        ObjectNode out = Json.object();
        List<Message> messages = c.messages();
        int start = 0;
        if (messages.get(0).role() == Role.SYSTEM) {
            out.put("system", messages.get(0).content());
            start = 1;
        }
        ArrayNode turns = out.putArray("conversations");
        for (Message m : messages.subList(start, messages.size())) {
            if (m.name() != null) notes.add(m.role() == Role.TOOL ? "tool names" : "message names");
            turns.add(switch (m.role()) {
                case SYSTEM -> turn("system", m.content());
                case USER -> turn("human", m.content());
                case TOOL -> turn("observation", m.content());
                case ASSISTANT -> m.toolCalls() == null ? turn("gpt", m.content()) : functionCall(m, notes);
            });
        }
        return out;
    }

    private ObjectNode functionCall(Message m, Set<String> notes) {
        if (!m.content().isEmpty()) notes.add("assistant text beside tool calls");
        ArrayNode functions = Json.MAPPER.createArrayNode();
        for (JsonNode call : m.toolCalls()) {
            JsonNode fn = call.get("function");
            if (fn == null) {
                notes.add("tool calls that are not functions");
                continue;
            }
            for (Iterator<String> it = call.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!key.equals("type") && !key.equals("function")) notes.add("tool call ids");
            }
            functions.add(fn);
        }
        return turn("function_call", Json.string(functions.size() == 1 ? functions.get(0) : functions));
    }

    private static ObjectNode turn(String from, String value) {
        return Json.object().put("from", from).put("value", value);
    }
}
