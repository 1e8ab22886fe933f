package dev.distillery.datasets.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.FieldException;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One input row plus the keys a decoder used: whatever it did not {@link #take} becomes the record's source fields.
 * Tracking use instead of listing known keys per format means a field is never both modelled and kept.
 */
final class Row {

    private final ObjectNode node;
    private final Set<String> taken = new HashSet<>();
    private final ObjectNode kept;

    Row(ObjectNode node) {
        this.node = node;
        this.kept = node.objectNode();
    }

    /**
     * Keeps a value as a source field although its key was taken: for a modelled object with unmodelled members
     * inside, such as OpenAI DPO's {@code input.tools}.
     */
    void keep(String key, JsonNode value) {
        kept.set(key, value);
    }

    /** The value without claiming it (null when absent). */
    JsonNode peek(String key) {
        return node.get(key);
    }

    /** Present and not JSON null. */
    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** Claims the key as modelled and returns its value (null when absent). */
    JsonNode take(String key) {
        taken.add(key);
        return node.get(key);
    }

    /** Claims a key that must be present and not null. */
    JsonNode require(String key, String expected) {
        JsonNode v = take(key);
        if (v == null) throw new FieldException(key, "required field missing, expected " + expected);
        if (v.isNull()) throw new FieldException(key, "expected " + expected + ", found null");
        return v;
    }

    String requireText(String key) {
        return Rows.text(require(key, "a string"), key);
    }

    /** A string field that may be absent; null when absent. JSON null is left unclaimed so it round-trips. */
    String optionalText(String key) {
        if (!has(key)) return null;
        return Rows.text(take(key), key);
    }

    /** The fields nobody took, copied. */
    ObjectNode rest() {
        ObjectNode rest = node.objectNode();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!taken.contains(e.getKey())) rest.set(e.getKey(), e.getValue().deepCopy());
        }
        rest.setAll(kept);
        return rest;
    }
}
