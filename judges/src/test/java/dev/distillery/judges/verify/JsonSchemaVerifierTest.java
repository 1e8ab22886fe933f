package dev.distillery.judges.verify;

import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonSchemaVerifierTest {
    private static final String SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "person",
             "type": "object", "required": ["name", "age"], "additionalProperties": false,
             "properties": {
               "name": {"type": "string", "minLength": 1, "pattern": "^[A-Z]"},
               "age": {"type": "integer", "minimum": 0, "maximum": 150},
               "tags": {"type": "array", "items": {"enum": ["a", "b", "c"]}, "maxItems": 2, "uniqueItems": true},
               "score": {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "null"}]}
             }}""";

    private final Verifier verifier = (Verifier) new JsonSchemaVerifierProvider()
            .createJudge(new JudgeConfig(Map.of("schema", SCHEMA), null, null, "judges.yaml#schema"));

    private Verdict.Scored judge(String response) {
        return assertInstanceOf(Verdict.Scored.class, verifier.judge(new JudgeInput("q", response, null)));
    }

    @Test
    void validDocumentsPassIncludingFencedOnes() {
        assertEquals(1, judge("{\"name\": \"Ada\", \"age\": 36, \"tags\": [\"a\", \"b\"], \"score\": 0.5}").score());
        assertEquals(1, judge("```json\n{\"name\": \"Ada\", \"age\": 36.0, \"score\": null}\n```").score());
    }

    @Test
    void everyViolationIsListedWithItsPath() {
        Verdict.Scored v = judge("{\"name\": \"ada\", \"tags\": [\"a\", \"a\", \"z\"], \"score\": -1, \"extra\": 1}");
        assertEquals(0, v.score());
        String r = v.rationale();
        for (String expected : List.of("$: missing required property 'age'", "$.name: 'ada' does not match pattern ^[A-Z]",
                "$.tags[2]: \"z\" is not one of", "$.tags: 3 items, more than maxItems 2", "$.tags: items 0 and 1 are equal",
                "$.score: matches none of the anyOf schemas", "$: property 'extra' is not allowed")) {
            assertTrue(r.contains(expected), "missing <" + expected + "> in " + r);
        }
    }

    @Test
    void typeMismatchAndInvalidJsonFail() {
        Verdict.Scored wrongType = judge("{\"name\": \"Ada\", \"age\": \"36\"}");
        assertTrue(wrongType.rationale().contains("$.age: expected integer, got string"), wrongType.rationale());
        Verdict.Scored broken = judge("{\"name\": \"Ada\", ");
        assertEquals(0, broken.score());
        assertTrue(broken.rationale().startsWith("fail: response is not valid JSON"), broken.rationale());
        assertEquals(0, judge("Here you go: {\"name\": \"Ada\", \"age\": 3}").score());
    }

    @Test
    void schemaGivenAsAMapWorksToo() {
        Verifier v = (Verifier) new JsonSchemaVerifierProvider().createJudge(new JudgeConfig(
                Map.of("schema", Map.of("type", "array", "minItems", 1, "items", Map.of("type", "integer"))), null, null, "t"));
        assertEquals(1, ((Verdict.Scored) v.judge(new JudgeInput("q", "[1, 2]", null))).score());
        assertEquals(0, ((Verdict.Scored) v.judge(new JudgeInput("q", "[]", null))).score());
        assertEquals(0, ((Verdict.Scored) v.judge(new JudgeInput("q", "[1.5]", null))).score());
    }

    @Test
    void unsupportedOrMalformedSchemasAreConfigErrors() {
        JsonSchemaVerifierProvider p = new JsonSchemaVerifierProvider();
        IllegalArgumentException ref = assertThrows(IllegalArgumentException.class, () -> p.createJudge(
                new JudgeConfig(Map.of("schema", "{\"properties\": {\"a\": {\"$ref\": \"#/defs/x\"}}}"), null, null, "judges.yaml#s")));
        assertTrue(ref.getMessage().contains("judges.yaml#s") && ref.getMessage().contains("#/properties/a: unsupported keyword '$ref'"),
                ref.getMessage());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> p.createJudge(
                new JudgeConfig(Map.of("schema", "{\"type\": \"object\", \"requird\": [\"a\"]}"), null, null, "t")));
        assertTrue(typo.getMessage().contains("did you mean 'required'"), typo.getMessage());
        IllegalArgumentException badType = assertThrows(IllegalArgumentException.class, () -> p.createJudge(
                new JudgeConfig(Map.of("schema", "{\"type\": \"strng\"}"), null, null, "t")));
        assertTrue(badType.getMessage().contains("did you mean 'string'"), badType.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.createJudge(new JudgeConfig(Map.of("schema", "{"), null, null, "t")));
    }
}
