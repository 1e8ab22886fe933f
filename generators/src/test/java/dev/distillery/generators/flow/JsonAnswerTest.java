package dev.distillery.generators.flow;

import dev.distillery.generators.model.ModelCallException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonAnswerTest {

    @Test
    void findsTheFirstObjectDespiteFencesAndChatter() {
        assertEquals("a", JsonAnswer.text(JsonAnswer.object("```json\n{\"x\": \"a\"}\n```"), "x"));
        assertEquals("b {c}", JsonAnswer.text(JsonAnswer.object("Sure! {not json} here: {\"x\": \"b {c}\"} hope it helps {"), "x"));
        assertEquals(List.of("p", "q"), JsonAnswer.texts(JsonAnswer.array("Tasks: [\"p\", \"q\"]. [1]")));
    }

    @Test
    void anythingElseIsMalformedOutput() {
        ModelCallException e = assertThrows(ModelCallException.class, () -> JsonAnswer.object("I cannot answer that."));
        assertEquals(ModelCallException.Kind.MALFORMED_OUTPUT, e.kind());
        assertTrue(e.getMessage().contains("I cannot answer that."), e.getMessage());
        assertThrows(ModelCallException.class, () -> JsonAnswer.text(JsonAnswer.object("{\"x\": 3}"), "x"));
        assertThrows(ModelCallException.class, () -> JsonAnswer.text(JsonAnswer.object("{\"x\": \"  \"}"), "x"));
        assertThrows(ModelCallException.class, () -> JsonAnswer.texts(JsonAnswer.array("[1, 2]")));
        assertThrows(ModelCallException.class, () -> JsonAnswer.array("{\"x\": 1}"));
    }
}
