package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Content;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Role;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reading and writing the pieces several formats share, with errors that name the exact JSON path. */
final class Rows {

    private static final Set<String> MESSAGE_KEYS = Set.of("role", "content", "name", "tool_calls");

    private Rows() {
    }

    /** "a string", "null", ...: what a user sees after "found". */
    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) return "nothing";
        if (n.isNull()) return "null";
        if (n.isTextual()) return "a string";
        if (n.isNumber()) return "a number";
        if (n.isBoolean()) return "a boolean";
        if (n.isArray()) return "an array";
        if (n.isObject()) return "an object";
        return n.getNodeType().name().toLowerCase();
    }

    static FieldException wrongType(String path, String expected, JsonNode found) {
        return new FieldException(path, "expected " + expected + ", found " + describe(found));
    }

    static String text(JsonNode n, String path) {
        if (n == null || !n.isTextual()) throw wrongType(path, "a string", n);
        return n.textValue();
    }

    static ObjectNode object(JsonNode n, String path) {
        if (n == null || !n.isObject()) throw wrongType(path, "an object", n);
        return (ObjectNode) n;
    }

    static ArrayNode array(JsonNode n, String path) {
        if (n == null || !n.isArray()) throw wrongType(path, "an array", n);
        return (ArrayNode) n;
    }

    /** A non-empty list of {@code {role, content, name?, tool_calls?}} messages. */
    static Conversation messages(JsonNode n, String path) {
        if (n == null || !n.isArray()) throw wrongType(path, "a list of messages", n);
        if (n.isEmpty()) throw new FieldException(path, "expected at least one message, found an empty list");
        List<Message> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) out.add(message(n.get(i), path + "[" + i + "]"));
        return new Conversation(out);
    }

    static Message message(JsonNode n, String path) {
        ObjectNode m = object(n, path);
        for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!MESSAGE_KEYS.contains(key)) {
                // Dropping it would lose data that Message cannot hold (e.g. tool_call_id), so refuse instead.
                throw new FieldException(path + "." + key, "unknown message field, expected role, content, name or tool_calls");
            }
        }
        JsonNode roleNode = m.get("role");
        if (roleNode == null) throw new FieldException(path + ".role", "required field missing, expected one of system, user, assistant, tool");
        Role role;
        try {
            role = Role.of(text(roleNode, path + ".role"));
        } catch (IllegalArgumentException e) {
            throw new FieldException(path + ".role", e.getMessage());
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isNull()) calls = null;
        if (calls != null && !calls.isArray()) throw wrongType(path + ".tool_calls", "a list of tool calls", calls);
        JsonNode content = m.get("content");
        String text;
        if (content == null || content.isNull()) {
            // OpenAI and TRL let a turn that only calls tools leave content out.
            if (calls == null) throw new FieldException(path + ".content", "required field missing, expected the message text as a string");
            text = "";
        } else {
            text = text(content, path + ".content");
        }
        JsonNode nameNode = m.get("name");
        String name = nameNode == null || nameNode.isNull() ? null : text(nameNode, path + ".name");
        return new Message(role, text, name, calls == null ? null : calls.deepCopy());
    }

    static ArrayNode writeMessages(Conversation c) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Message m : c.messages()) out.add(writeMessage(m));
        return out;
    }

    static ObjectNode writeMessage(Message m) {
        ObjectNode o = Json.object();
        o.put("role", m.role().wireName());
        if (m.name() != null) o.put("name", m.name());
        // A tool-call-only turn is written without content, the way the TRL docs show it.
        if (!(m.content().isEmpty() && m.toolCalls() != null)) o.put("content", m.content());
        if (m.toolCalls() != null) o.set("tool_calls", m.toolCalls().deepCopy());
        return o;
    }

    /** TRL's two forms: a string (plain) or a list of messages (conversational). */
    static Content content(JsonNode n, String path) {
        if (n != null && n.isTextual()) return new PlainText(n.textValue());
        if (n != null && n.isArray()) return messages(n, path);
        throw wrongType(path, "a string or a list of messages", n);
    }

    static JsonNode writeContent(Content c) {
        return switch (c) {
            case PlainText p -> Json.MAPPER.getNodeFactory().textNode(p.value());
            case Conversation conv -> writeMessages(conv);
        };
    }

    /**
     * An array of integers.
     *
     * @param tokenIds when true every entry must be {@code >= 0}
     */
    static int[] ints(JsonNode n, String path, boolean tokenIds) {
        if (n == null || !n.isArray()) throw wrongType(path, "an array of integers", n);
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = n.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw wrongType(path + "[" + i + "]", "an integer", v);
            }
            out[i] = v.intValue();
            if (tokenIds && out[i] < 0) {
                throw new FieldException(path + "[" + i + "]", "expected a token id >= 0, found " + out[i]);
            }
        }
        return out;
    }

    static ArrayNode writeInts(int[] values) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (int v : values) a.add(v);
        return a;
    }

    /** For a format that writes only messages: plain text becomes one message of {@code role}. */
    static Conversation asMessages(Content c, Role role) {
        return switch (c) {
            case Conversation conv -> conv;
            case PlainText p -> new Conversation(List.of(new Message(role, p.value(), null, null)));
        };
    }

    /** For a format that writes only a string: a single plain assistant message counts as its text. */
    static String asAnswerText(Content c) {
        return switch (c) {
            case PlainText p -> p.value();
            case Conversation conv -> conv.messages().size() == 1 && conv.last().role() == Role.ASSISTANT
                    && conv.last().isPlainText() ? conv.last().content() : null;
        };
    }

}
