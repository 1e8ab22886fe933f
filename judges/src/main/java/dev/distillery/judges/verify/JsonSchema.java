package dev.distillery.judges.verify;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A focused JSON Schema validator for the subset that describes structured LLM output (draft 2020-12 semantics):
 * {@code type, enum, const, properties, required, additionalProperties, minProperties, maxProperties, items,
 * minItems, maxItems, uniqueItems, minLength, maxLength, pattern, minimum, maximum, exclusiveMinimum,
 * exclusiveMaximum, multipleOf, allOf, anyOf, oneOf, not}. Annotation keywords ({@code title, description, $schema,
 * $id, default, examples, $comment, format}) are accepted and ignored. Any other keyword (e.g. {@code $ref}) is
 * rejected when the schema is compiled, so that a schema is never silently checked only in part.
 *
 * <pre>{@code
 * JsonSchema schema = JsonSchema.compile(Json.MAPPER.readTree("{\"type\":\"object\",\"required\":[\"name\"]}"));
 * List<String> errors = schema.validate(Json.MAPPER.readTree("{}"));  // ["$: missing required property 'name'"]
 * }</pre>
 */
public final class JsonSchema {
    private static final Set<String> ANNOTATIONS = Set.of(
            "title", "description", "$schema", "$id", "default", "examples", "$comment", "format", "readOnly", "writeOnly",
            "deprecated");
    private static final Set<String> KEYWORDS = Set.of(
            "type", "enum", "const", "properties", "required", "additionalProperties", "minProperties", "maxProperties",
            "items", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "allOf", "anyOf", "oneOf", "not");
    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean", "null");

    private final JsonNode schema;
    private final Map<String, Pattern> patterns;

    private JsonSchema(JsonNode schema, Map<String, Pattern> patterns) {
        this.schema = schema;
        this.patterns = patterns;
    }

    /** Checks the schema itself; the error names the schema path of the first unsupported or malformed keyword. */
    public static JsonSchema compile(JsonNode schema) {
        Map<String, Pattern> patterns = new java.util.HashMap<>();
        check(schema, "#", patterns);
        return new JsonSchema(schema, Map.copyOf(patterns));
    }

    /** Every violation, each prefixed with the JSON path of the offending value ({@code $.items[2].name}); empty when valid. */
    public List<String> validate(JsonNode value) {
        List<String> errors = new ArrayList<>();
        validate(schema, value, "$", errors);
        return errors;
    }

    private static void check(JsonNode s, String at, Map<String, Pattern> patterns) {
        if (s.isBoolean()) return;
        if (!s.isObject()) throw new IllegalArgumentException("schema " + at + ": expected an object or boolean");
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (ANNOTATIONS.contains(k)) continue;
            if (!KEYWORDS.contains(k)) {
                throw new IllegalArgumentException("schema " + at + ": unsupported keyword '" + k + "'"
                        + DidYouMean.hint(k, KEYWORDS) + " (supported: " + String.join(", ", new java.util.TreeSet<>(KEYWORDS)) + ")");
            }
            JsonNode v = s.get(k);
            String here = at + "/" + k;
            switch (k) {
                case "type" -> {
                    List<JsonNode> names = new ArrayList<>();
                    if (v.isArray()) v.forEach(names::add); else names.add(v);
                    for (JsonNode n : names) {
                        if (!n.isTextual() || !TYPES.contains(n.asText())) {
                            throw new IllegalArgumentException("schema " + here + ": unknown type " + n
                                    + (n.isTextual() ? DidYouMean.hint(n.asText(), TYPES) : ""));
                        }
                    }
                }
                case "properties" -> {
                    if (!v.isObject()) throw new IllegalArgumentException("schema " + here + ": expected an object");
                    v.properties().forEach(e -> check(e.getValue(), here + "/" + e.getKey(), patterns));
                }
                case "additionalProperties", "items", "not" -> check(v, here, patterns);
                case "allOf", "anyOf", "oneOf" -> {
                    if (!v.isArray() || v.isEmpty()) throw new IllegalArgumentException("schema " + here + ": expected a non-empty array");
                    for (int i = 0; i < v.size(); i++) check(v.get(i), here + "/" + i, patterns);
                }
                case "required" -> {
                    if (!v.isArray()) throw new IllegalArgumentException("schema " + here + ": expected an array of names");
                    v.forEach(n -> {
                        if (!n.isTextual()) throw new IllegalArgumentException("schema " + here + ": " + n + " is not a name");
                    });
                }
                case "enum" -> {
                    if (!v.isArray()) throw new IllegalArgumentException("schema " + here + ": expected an array");
                }
                case "pattern" -> {
                    try {
                        patterns.put(v.asText(), Pattern.compile(v.asText()));
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("schema " + here + ": invalid pattern: " + e.getDescription());
                    }
                }
                case "uniqueItems" -> {
                    if (!v.isBoolean()) throw new IllegalArgumentException("schema " + here + ": expected true or false");
                }
                case "const" -> {
                }
                default -> {
                    if (!v.isNumber()) throw new IllegalArgumentException("schema " + here + ": expected a number");
                }
            }
        }
    }

    private void validate(JsonNode s, JsonNode v, String path, List<String> errors) {
        if (s.isBoolean()) {
            if (!s.asBoolean()) errors.add(path + ": no value is allowed here");
            return;
        }
        JsonNode type = s.get("type");
        if (type != null) {
            boolean ok = false;
            List<String> names = new ArrayList<>();
            if (type.isArray()) type.forEach(n -> names.add(n.asText())); else names.add(type.asText());
            for (String t : names) ok |= hasType(v, t);
            if (!ok) {
                errors.add(path + ": expected " + String.join(" or ", names) + ", got " + typeOf(v));
                return; // the other keywords would only repeat the type mismatch
            }
        }
        JsonNode en = s.get("enum");
        if (en != null) {
            boolean found = false;
            for (JsonNode option : en) found |= jsonEquals(option, v);
            if (!found) errors.add(path + ": " + abbreviate(v) + " is not one of " + abbreviate(en));
        }
        JsonNode cn = s.get("const");
        if (cn != null && !jsonEquals(cn, v)) errors.add(path + ": expected " + abbreviate(cn) + ", got " + abbreviate(v));
        if (v.isObject()) object(s, v, path, errors);
        if (v.isArray()) array(s, v, path, errors);
        if (v.isTextual()) string(s, v.asText(), path, errors);
        if (v.isNumber()) number(s, v.asDouble(), path, errors);
        combinators(s, v, path, errors);
    }

    private void object(JsonNode s, JsonNode v, String path, List<String> errors) {
        JsonNode required = s.get("required");
        if (required != null) {
            for (JsonNode r : required) {
                if (!v.has(r.asText())) errors.add(path + ": missing required property '" + r.asText() + "'");
            }
        }
        JsonNode props = s.get("properties");
        JsonNode additional = s.get("additionalProperties");
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String child = path + "." + e.getKey();
            if (props != null && props.has(e.getKey())) {
                validate(props.get(e.getKey()), e.getValue(), child, errors);
            } else if (additional != null) {
                if (additional.isBoolean() && !additional.asBoolean()) {
                    errors.add(path + ": property '" + e.getKey() + "' is not allowed");
                } else {
                    validate(additional, e.getValue(), child, errors);
                }
            }
        }
        if (s.has("minProperties") && v.size() < s.get("minProperties").asDouble()) {
            errors.add(path + ": " + v.size() + " properties, fewer than minProperties " + s.get("minProperties"));
        }
        if (s.has("maxProperties") && v.size() > s.get("maxProperties").asDouble()) {
            errors.add(path + ": " + v.size() + " properties, more than maxProperties " + s.get("maxProperties"));
        }
    }

    private void array(JsonNode s, JsonNode v, String path, List<String> errors) {
        JsonNode items = s.get("items");
        if (items != null) for (int i = 0; i < v.size(); i++) validate(items, v.get(i), path + "[" + i + "]", errors);
        if (s.has("minItems") && v.size() < s.get("minItems").asDouble()) {
            errors.add(path + ": " + v.size() + " items, fewer than minItems " + s.get("minItems"));
        }
        if (s.has("maxItems") && v.size() > s.get("maxItems").asDouble()) {
            errors.add(path + ": " + v.size() + " items, more than maxItems " + s.get("maxItems"));
        }
        if (s.has("uniqueItems") && s.get("uniqueItems").asBoolean()) {
            for (int i = 0; i < v.size(); i++) {
                for (int j = i + 1; j < v.size(); j++) {
                    if (jsonEquals(v.get(i), v.get(j))) {
                        errors.add(path + ": items " + i + " and " + j + " are equal but uniqueItems is set");
                        return;
                    }
                }
            }
        }
    }

    private void string(JsonNode s, String text, String path, List<String> errors) {
        int length = text.codePointCount(0, text.length());
        if (s.has("minLength") && length < s.get("minLength").asDouble()) {
            errors.add(path + ": length " + length + " is below minLength " + s.get("minLength"));
        }
        if (s.has("maxLength") && length > s.get("maxLength").asDouble()) {
            errors.add(path + ": length " + length + " is above maxLength " + s.get("maxLength"));
        }
        if (s.has("pattern") && !patterns.get(s.get("pattern").asText()).matcher(text).find()) {
            errors.add(path + ": '" + abbreviate(text) + "' does not match pattern " + s.get("pattern").asText());
        }
    }

    private static void number(JsonNode s, double x, String path, List<String> errors) {
        if (s.has("minimum") && x < s.get("minimum").asDouble()) errors.add(path + ": " + x + " < minimum " + s.get("minimum"));
        if (s.has("maximum") && x > s.get("maximum").asDouble()) errors.add(path + ": " + x + " > maximum " + s.get("maximum"));
        if (s.has("exclusiveMinimum") && x <= s.get("exclusiveMinimum").asDouble()) {
            errors.add(path + ": " + x + " <= exclusiveMinimum " + s.get("exclusiveMinimum"));
        }
        if (s.has("exclusiveMaximum") && x >= s.get("exclusiveMaximum").asDouble()) {
            errors.add(path + ": " + x + " >= exclusiveMaximum " + s.get("exclusiveMaximum"));
        }
        if (s.has("multipleOf")) {
            double q = x / s.get("multipleOf").asDouble();
            if (Math.abs(q - Math.rint(q)) > 1e-9) errors.add(path + ": " + x + " is not a multiple of " + s.get("multipleOf"));
        }
    }

    private void combinators(JsonNode s, JsonNode v, String path, List<String> errors) {
        if (s.has("allOf")) for (JsonNode sub : s.get("allOf")) validate(sub, v, path, errors);
        if (s.has("anyOf") || s.has("oneOf")) {
            String k = s.has("anyOf") ? "anyOf" : "oneOf";
            for (String key : s.has("anyOf") && s.has("oneOf") ? List.of("anyOf", "oneOf") : List.of(k)) {
                int passing = 0;
                for (JsonNode sub : s.get(key)) {
                    List<String> subErrors = new ArrayList<>();
                    validate(sub, v, path, subErrors);
                    if (subErrors.isEmpty()) passing++;
                }
                if (key.equals("anyOf") && passing == 0) errors.add(path + ": matches none of the anyOf schemas");
                if (key.equals("oneOf") && passing != 1) {
                    errors.add(path + ": matches " + passing + " of the oneOf schemas, expected exactly 1");
                }
            }
        }
        if (s.has("not")) {
            List<String> subErrors = new ArrayList<>();
            validate(s.get("not"), v, path, subErrors);
            if (subErrors.isEmpty()) errors.add(path + ": matches the schema under 'not'");
        }
    }

    private static boolean hasType(JsonNode v, String t) {
        return switch (t) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            // JSON Schema counts 1.0 as an integer: the type is about the value, not the spelling.
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> false;
        };
    }

    private static String typeOf(JsonNode v) {
        if (v.isObject()) return "object";
        if (v.isArray()) return "array";
        if (v.isTextual()) return "string";
        if (v.isIntegralNumber()) return "integer";
        if (v.isNumber()) return "number";
        if (v.isBoolean()) return "boolean";
        return "null";
    }

    /** Equality as JSON Schema defines it: numbers by value (1 == 1.0), objects regardless of key order. */
    private static boolean jsonEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) return false;
            Set<String> keys = new HashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) if (!b.has(k) || !jsonEquals(a.get(k), b.get(k))) return false;
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!jsonEquals(a.get(i), b.get(i))) return false;
            return true;
        }
        return a.equals(b);
    }

    private static String abbreviate(Object o) {
        return MatchVerifier.abbreviate(String.valueOf(o));
    }
}
