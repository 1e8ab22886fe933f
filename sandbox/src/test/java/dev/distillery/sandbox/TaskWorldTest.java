package dev.distillery.sandbox;

import dev.distillery.sandbox.world.Skill;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskWorldTest {

    final TaskWorld world = TaskWorld.standard();

    @Test
    void everySkillVerifiesItsAnswerAndRejectsItsWrongAnswers() {
        SplittableRandom rng = new SplittableRandom(3);
        for (String name : world.skillNames()) {
            Skill skill = world.skill(name);
            Set<String> phrasings = new HashSet<>();
            for (Task t : world.sample(name, 60, 11)) {
                assertEquals(name, t.skill());
                assertTrue(skill.verify(t, t.answer()), name + ": " + t);
                assertTrue(world.verify(t.instruction(), t.answer()), "through the world: " + t);
                String wrong = skill.wrongAnswer(t, rng);
                assertNotEquals(t.answer(), wrong, t.toString());
                assertFalse(skill.verify(t, wrong), name + ": wrong answer '" + wrong + "' passed for " + t);
                phrasings.add(t.instruction().replaceAll("'[a-z]+'|[a-z]+(?: [a-z]+){1,3}$|\\d+", "_"));
            }
            assertTrue(phrasings.size() >= 2, name + " uses several phrasings: " + phrasings);
        }
    }

    @Test
    void instructionsAreFoundInsideAnyPromptTemplate() {
        for (String name : world.skillNames()) {
            for (Task t : world.sample(name, 10, 5)) {
                String prompt = "You are a helpful assistant.\n\n### Instruction\n" + t.instruction() + "\n\n### Response\n";
                Task parsed = world.parse(prompt).orElseThrow(() -> new AssertionError("not found: " + prompt));
                assertEquals(t.key(), parsed.key());
                assertEquals(t.answer(), parsed.answer());
            }
        }
        assertTrue(world.parse("Tell me a story about a dragon.").isEmpty());
    }

    @Test
    void answersAreCheckedExactlyButToleratePhrasing() {
        Task add = world.parse("What is 12 + 30?").orElseThrow();
        assertTrue(world.verify(add.instruction(), "The answer is 42."));
        assertTrue(world.verify(add.instruction(), "12 + 30 = 42"));
        assertFalse(world.verify(add.instruction(), "42 is close, but I say 41"));
        Task rev = world.parse("Reverse the order of the words: red cat sun").orElseThrow();
        assertEquals("sun cat red", rev.answer());
        assertTrue(world.verify(rev.instruction(), "Answer: Sun cat red."));
        assertFalse(world.verify(rev.instruction(), "sun red cat"));
        Task up = world.parse("Write in upper case: red cat").orElseThrow();
        assertFalse(world.verify(up.instruction(), "Red Cat"), "case matters for upper case");
        Task json = world.parse("Reply in JSON with the key \"answer\": what is 2 + 3?").orElseThrow();
        assertTrue(world.verify(json.instruction(), "```json\n{\"answer\": 5}\n```"));
        assertFalse(world.verify(json.instruction(), "5"));
        assertFalse(world.verify(json.instruction(), "{\"answer\": \"5\"}"), "a string is not the number");
        Task count = world.parse("How many times does the letter 'a' appear in 'banana'?").orElseThrow();
        assertEquals("3", count.answer());
        assertTrue(world.parse("Which is larger, 7 or 7?").isEmpty(), "compare needs two different numbers");
    }

    @Test
    void evalSetsAreReproducibleAndShareNoTaskWithTraining() {
        List<Task> train = world.skillNames().stream().flatMap(s -> world.sample(s, 200, 1).stream()).toList();
        Set<String> trainKeys = train.stream().map(Task::key).collect(Collectors.toSet());
        List<Task> eval = world.evalSet(30, 2, trainKeys);
        assertEquals(30 * world.skillNames().size(), eval.size());
        assertTrue(eval.stream().noneMatch(t -> trainKeys.contains(t.key())));
        assertEquals(eval.size(), eval.stream().map(Task::key).distinct().count(), "no task twice");
        assertEquals(eval, world.evalSet(30, 2, trainKeys));
        assertNotEquals(eval, world.evalSet(30, 3, trainKeys));
        var e = assertThrows(IllegalArgumentException.class, () -> world.sample("ad", 1, 1));
        assertTrue(e.getMessage().contains("did you mean 'add'?"), e.getMessage());
    }
}
