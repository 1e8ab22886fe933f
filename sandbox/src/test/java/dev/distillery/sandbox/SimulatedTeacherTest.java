package dev.distillery.sandbox;

import dev.distillery.datasets.json.Json;
import dev.distillery.sandbox.teacher.SimulatedTeacher;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedTeacherTest {

    final TaskWorld world = TaskWorld.standard();

    private double observedErrorRate(SimulatedTeacher teacher, String skill, int n) {
        int wrong = 0;
        for (Task t : world.sample(skill, n, 9)) {
            String reply = teacher.chat("### Instruction\n" + t.instruction());
            if (!world.verify(t.instruction(), reply)) wrong++;
        }
        return (double) wrong / n;
    }

    @Test
    void errorRatesAreWhatWasConfigured() {
        SimulatedTeacher perfect = SimulatedTeacher.builder(world).errorRate(0).build();
        SimulatedTeacher broken = SimulatedTeacher.builder(world).errorRate(1).build();
        for (String skill : world.skillNames()) {
            assertEquals(0.0, observedErrorRate(perfect, skill, 50), skill);
            assertEquals(1.0, observedErrorRate(broken, skill, 50), skill);
        }
        // 0.3 on add, 0.05 elsewhere: within 4 standard deviations of the binomial over 1000 draws.
        SimulatedTeacher t = SimulatedTeacher.builder(world).errorRate(0.05).errorRate("add", 0.3).seed(4).build();
        double add = observedErrorRate(t, "add", 1000);
        assertEquals(0.3, add, 4 * Math.sqrt(0.3 * 0.7 / 1000), "add");
        double sort = observedErrorRate(t, "sort-words", 1000);
        assertEquals(0.05, sort, 4 * Math.sqrt(0.05 * 0.95 / 1000), "sort-words");
        long[] tally = t.tally().get("add");
        assertEquals(1000, tally[0]);
        assertEquals(Math.round(add * 1000), tally[1], "the tally counts the wrong answers it gave");
    }

    @Test
    void stepByStepAnswersEndWithTheAnswerAndAreStillVerifiable() {
        SimulatedTeacher t = SimulatedTeacher.builder(world).errorRate(0).build();
        ChatResponse r = t.chat(ChatRequest.builder().messages(
                SystemMessage.from("Think step by step, then give the answer."),
                UserMessage.from("What is 19 + 23?")).build());
        String text = r.aiMessage().text();
        assertTrue(text.endsWith("Answer: 42"), text);
        assertTrue(world.verify("What is 19 + 23?", text));
        assertTrue(r.tokenUsage().inputTokenCount() > 0 && r.tokenUsage().outputTokenCount() > 0);
        assertEquals("sandbox-teacher", r.modelName());
    }

    @Test
    void itWritesNewSandboxInstructionsWhenAFlowAsksForThem() throws Exception {
        SimulatedTeacher t = SimulatedTeacher.builder(world).build();
        String list = t.chat("Write 7 new instructions for the skill sort words, one per line, numbered.");
        List<String> lines = list.lines().toList();
        assertEquals(7, lines.size(), list);
        for (String l : lines) {
            assertTrue(l.matches("\\d+\\. .+"), l);
            assertEquals("sort-words", world.parse(l).orElseThrow().skill());
        }
        String json = t.chat("Generate 3 more diverse tasks. Return a JSON array of strings.");
        List<?> tasks = Json.MAPPER.readValue(json, List.class);
        assertEquals(3, tasks.size());
        for (Object o : tasks) assertTrue(world.parse(o.toString()).isPresent(), o.toString());
    }

    @Test
    void identicalRequestsGetIdenticalAnswersAndUnknownPromptsAreDeclined() {
        SimulatedTeacher t = SimulatedTeacher.builder(world).errorRate(0.5).seed(7).build();
        for (Task task : world.sample("subtract", 20, 3)) {
            assertEquals(t.chat(task.instruction()), t.chat(task.instruction()));
        }
        String other = t.chat("Tell me a joke.");
        assertTrue(other.startsWith("I am the sandbox teacher"), other);
        assertFalse(world.verify("Tell me a joke.", other));
        assertThrows(IllegalArgumentException.class, () -> SimulatedTeacher.builder(world).errorRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> SimulatedTeacher.builder(world).errorRate("nope", 0.1));
    }
}
