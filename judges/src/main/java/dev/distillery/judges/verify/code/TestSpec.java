package dev.distillery.judges.verify.code;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.distillery.datasets.json.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * What a candidate must satisfy: the method to call and its test cases. Written as JSON (in a judge config or an
 * item's reference):
 * <pre>{@code
 * {"method": "solve", "class": "Solution", "cases": [{"input": [[1, 2, 3]], "expected": 6}, {"input": [[]], "expected": 0}]}
 * }</pre>
 * {@code input} is the argument list; a single non-array value is accepted as the only argument.
 *
 * @param method    the method to call; default {@code solve}
 * @param className the top-level class holding it, or null to search every top-level class
 * @param cases     at least one case
 */
public record TestSpec(String method, String className, List<TestCase> cases) {
    private static final Set<String> FIELDS = Set.of("method", "class", "cases");

    public TestSpec {
        if (method == null || method.isBlank()) method = "solve";
        if (!method.matches("[A-Za-z_$][A-Za-z0-9_$]*")) throw new IllegalArgumentException("method '" + method + "' is not a Java name");
        if (className != null && !className.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
            throw new IllegalArgumentException("class '" + className + "' is not a simple Java class name");
        }
        cases = List.copyOf(cases);
        if (cases.isEmpty()) throw new IllegalArgumentException("no test cases");
    }

    /** Parses the JSON form; errors name the case and field. */
    public static TestSpec parse(String json) {
        try {
            return from(Json.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test spec is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static TestSpec from(JsonNode node) {
        if (node == null || !node.isObject()) throw new IllegalArgumentException("test spec must be a JSON object");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("test spec: unknown field '" + f + "'"
                        + dev.distillery.judges.verify.DidYouMean.hint(f, FIELDS) + " (fields: method, class, cases)");
            }
        }
        JsonNode cases = node.get("cases");
        if (cases == null || !cases.isArray()) throw new IllegalArgumentException("test spec: 'cases' must be an array");
        List<TestCase> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            if (!c.isObject() || !c.has("input") || !c.has("expected")) {
                throw new IllegalArgumentException("test spec: cases[" + i + "] must have 'input' and 'expected'");
            }
            JsonNode input = c.get("input");
            if (!input.isArray()) input = JsonNodeFactory.instance.arrayNode().add(input);
            out.add(new TestCase(input, c.get("expected")));
        }
        return new TestSpec(text(node, "method"), text(node, "class"), out);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException("test spec: '" + field + "' must be text");
        return v.asText();
    }
}
