package dev.distillery.judges.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RubricTest {

    @Test
    void everyBuiltInRubricHasACriterionAndFiveScores() {
        for (String name : Rubric.BUILT_IN) {
            Rubric r = Rubric.resolve(name);
            assertEquals(name, r.name());
            assertEquals(5, r.descriptions().size());
            String rendered = r.render();
            assertTrue(rendered.startsWith("[" + r.criterion() + "]"), rendered);
            for (int s = 1; s <= 5; s++) assertTrue(rendered.contains("\nScore " + s + ": "), rendered);
        }
    }

    @Test
    void aUserRubricFileLoadsByPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tone.yaml");
        Files.writeString(file, """
                criterion: Is the tone polite?
                score1: rude
                score2: curt
                score3: neutral
                score4: polite
                score5: warm and polite
                """);
        Rubric r = Rubric.resolve(file.toString());
        assertEquals("tone", r.name());
        assertEquals("Is the tone polite?", r.criterion());
        assertEquals("warm and polite", r.descriptions().get(4));
    }

    @Test
    void aMissingFieldIsNamedWithTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "criterion: x\nscore1: a\nscore2: b\nscore4: d\nscore5: e\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Rubric.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("missing field 'score3'"), e.getMessage());
    }

    @Test
    void malformedRubricsAreErrorsNamingTheProblem() {
        assertMessage("criterion: x\nscore1: a\nscore2: b\nscore3: c\nscore4: d\nscore5: e\nscore6: f\n", "unknown field 'score6'");
        assertMessage("criterion: x\nscore1: [a, b]\nscore2: b\nscore3: c\nscore4: d\nscore5: e\n", "field 'score1' must be text");
        assertMessage("criterion: '  '\nscore1: a\nscore2: b\nscore3: c\nscore4: d\nscore5: e\n", "field 'criterion' is empty");
        assertMessage("- just\n- a list\n", "a rubric is a mapping");
        assertMessage("criterion: x\nscore1: a\n  score2: [unclosed\n", "not valid YAML");
    }

    @Test
    void aNameThatIsNeitherBuiltInNorAFileListsTheBuiltIns() {
        var e = assertThrows(IllegalArgumentException.class, () -> Rubric.resolve("helpfulnes"));
        assertTrue(e.getMessage().contains("helpfulness") && e.getMessage().contains("nor an existing file"), e.getMessage());
    }

    private static void assertMessage(String yaml, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> Rubric.parse("r", "rubrics/r.yaml", yaml));
        assertTrue(e.getMessage().startsWith("rubrics/r.yaml") && e.getMessage().contains(expected), e.getMessage());
    }
}
