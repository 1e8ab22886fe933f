package dev.distillery.judges.llm;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptTemplateTest {

    @Test
    void everyBuiltInPromptLoadsWithTheVariablesItsJudgeSupplies() {
        Map<String, Set<String>> expected = Map.of(
                SingleGradeJudge.PROMPT, Set.of("question", "answer"),
                SingleGradeJudge.REFERENCE_PROMPT, Set.of("question", "answer", "reference"),
                PairwiseGradeJudge.PROMPT, Set.of("question", "answer_a", "answer_b"),
                PairwiseGradeJudge.REFERENCE_PROMPT, Set.of("question", "answer_a", "answer_b", "reference"),
                RubricJudge.PROMPT, Set.of("instruction", "response", "rubric"),
                RubricJudge.REFERENCE_PROMPT, Set.of("instruction", "response", "rubric", "reference"),
                MultiAspectJudge.PROMPT, Set.of("instruction", "response", "aspects"),
                PTrueJudge.PROMPT, Set.of("question", "answer"));
        expected.forEach((name, vars) -> {
            PromptTemplate t = PromptTemplate.load(name, null);
            assertEquals(vars, t.variables(), name);
            assertTrue(t.source().startsWith("classpath:"), t.source());
        });
    }

    @Test
    void rendersSystemAndUserMessagesInOnePass() {
        PromptTemplate t = PromptTemplate.parse("t", "t.txt", """
                === system ===
                Judge fairly.
                === user ===
                Q: {{question}}
                A: {{ answer }}
                """);
        var messages = t.render(Map.of("question", "What is {{answer}}?", "answer", "$1 \\ 42"));
        assertEquals("Judge fairly.", assertInstanceOf(SystemMessage.class, messages.get(0)).text());
        // Placeholder-looking text inside a value stays literal; '$' and '\' are not regex replacement syntax.
        assertEquals("Q: What is {{answer}}?\nA: $1 \\ 42", assertInstanceOf(UserMessage.class, messages.get(1)).singleText());
    }

    @Test
    void aFileWithoutSectionsIsTheUserMessage() {
        PromptTemplate t = PromptTemplate.parse("t", "t.txt", "Rate {{answer}}\n");
        assertNull(t.system());
        assertEquals(1, t.render(Map.of("answer", "x")).size());
    }

    @Test
    void aMissingValueIsAnErrorNamingTheFileAndVariable() {
        PromptTemplate t = PromptTemplate.parse("t", "/prompts/t.txt", "Rate {{answer}} for {{question}}");
        var e = assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("answer", "x")));
        assertTrue(e.getMessage().contains("/prompts/t.txt") && e.getMessage().contains("{{question}}"), e.getMessage());
    }

    @Test
    void malformedSectionsAreErrorsNamingTheFileAndLine() {
        var twice = assertThrows(IllegalArgumentException.class, () -> PromptTemplate.parse("t", "t.txt",
                "=== user ===\na\n=== user ===\nb"));
        assertTrue(twice.getMessage().contains("t.txt line 3"), twice.getMessage());
        var noUser = assertThrows(IllegalArgumentException.class, () -> PromptTemplate.parse("t", "t.txt", "=== system ===\na"));
        assertTrue(noUser.getMessage().contains("no '=== user ==='"), noUser.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> PromptTemplate.parse("t", "t.txt", "=== user ===\n  \n"));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void aFileInThePromptDirectoryOverridesTheBuiltIn(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("single-v1.txt"), "Grade: {{question}} / {{answer}}. Write Rating: [[n]].");
        PromptTemplate t = PromptTemplate.load("single-v1", dir);
        assertEquals(dir.resolve("single-v1.txt").toString(), t.source());
        assertEquals("Grade: q / a. Write Rating: [[n]].",
                ((UserMessage) t.render(Map.of("question", "q", "answer", "a")).getFirst()).singleText());
        // Other prompts still come from the built-ins.
        assertTrue(PromptTemplate.load("pair-v1", dir).source().startsWith("classpath:"));
    }

    @Test
    void anOverrideUsingAVariableTheJudgeDoesNotSupplyFailsWhenTheJudgeIsBuilt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("single-v1.txt"), "Grade {{anwser}}");
        var e = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplate.load("single-v1", dir).requireOnly(List.of("question", "answer")));
        assertTrue(e.getMessage().contains(dir.resolve("single-v1.txt").toString()) && e.getMessage().contains("{{anwser}}"),
                e.getMessage());
    }

    @Test
    void anUnknownPromptNameSaysWhereItLooked() {
        var e = assertThrows(IllegalArgumentException.class, () -> PromptTemplate.load("nope", null));
        assertTrue(e.getMessage().contains("prompts/nope.txt"), e.getMessage());
    }
}
