package dev.distillery.generators.flow;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.distillery.datasets.json.Json;
import dev.distillery.generators.model.ModelCallException;

import java.util.ArrayList;
import java.util.List;

/**
 * Tolerant extraction of JSON from a model's answer: code fences, a sentence before or after, and trailing text are
 * ignored; the first JSON value of the requested shape wins. Anything else is a
 * {@link ModelCallException.Kind#MALFORMED_OUTPUT}, which flows turn into a dead letter.
 *
 * <pre>{@code JsonNode task = JsonAnswer.object(reply.text());
 * String instruction = JsonAnswer.text(task, "instruction");}</pre>
 */
public final class JsonAnswer {

    // The shared mapper rejects trailing tokens; here text after the first value is expected (the model's chatter).
    private static final ObjectReader READER = Json.MAPPER.readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Bounds the work on a long answer full of stray braces. */
    private static final int MAX_STARTS = 64;

    private JsonAnswer() {
    }

    /** The first JSON object in {@code answer}. */
    public static JsonNode object(String answer) {
        return first(answer, '{');
    }

    /** The first JSON array in {@code answer}. */
    public static JsonNode array(String answer) {
        return first(answer, '[');
    }

    /** A required, non-blank text field of {@code node}. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw malformed("expected a non-empty text field '" + field + "' in " + abbreviate(node.toString()));
        }
        return v.asText().strip();
    }

    /** A required, non-empty array of non-blank strings. */
    public static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.isTextual() && !n.asText().isBlank()) out.add(n.asText().strip());
        }
        if (out.isEmpty()) throw malformed("expected a non-empty array of strings, got " + abbreviate(array.toString()));
        return out;
    }

    private static JsonNode first(String answer, char open) {
        String text = stripFences(answer == null ? "" : answer);
        int starts = 0;
        for (int i = text.indexOf(open); i >= 0 && starts < MAX_STARTS; i = text.indexOf(open, i + 1), starts++) {
            try {
                JsonNode node = READER.readValue(text.substring(i));
                if (node != null && (open == '{' ? node.isObject() : node.isArray())) return node;
            } catch (java.io.IOException e) {
                // Not JSON from here; a later brace may start the real value.
            }
        }
        throw malformed("expected a JSON " + (open == '{' ? "object" : "array") + " in the answer, got: " + abbreviate(answer));
    }

    private static String stripFences(String s) {
        // Models wrap JSON in ```json fences; dropping the fence lines leaves the JSON in place.
        return s.replaceAll("(?m)^\\s*```[a-zA-Z]*\\s*$", "");
    }

    /** A {@link ModelCallException.Kind#MALFORMED_OUTPUT} failure for an answer that is not in the asked-for shape. */
    public static ModelCallException malformed(String reason) {
        return new ModelCallException(ModelCallException.Kind.MALFORMED_OUTPUT, reason, 1, null);
    }

    /** One line, at most 160 characters, quoted: for failure reasons that show what the model said. */
    public static String abbreviate(String s) {
        if (s == null) return "null";
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 160 ? "'" + one + "'" : "'" + one.substring(0, 157) + "...'";
    }
}
