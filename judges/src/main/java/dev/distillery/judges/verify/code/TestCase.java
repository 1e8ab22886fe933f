package dev.distillery.judges.verify.code;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One input/expected pair for a candidate method.
 *
 * @param arguments the method's arguments, one JSON value per parameter (a JSON array)
 * @param expected  the value the method must return, as JSON (numbers compare by value, within the tolerance for
 *                  non-integers; arrays and lists both compare as JSON arrays)
 */
public record TestCase(JsonNode arguments, JsonNode expected) {
    public TestCase {
        if (arguments == null || !arguments.isArray()) {
            throw new IllegalArgumentException("test case input must be a JSON array of arguments, got " + arguments);
        }
        if (expected == null) throw new IllegalArgumentException("test case has no expected value");
    }
}
