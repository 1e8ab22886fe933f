package dev.distillery.generators.flows.agentinstruct;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConfigException;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.FlowSettings;
import dev.distillery.generators.flow.ScriptedChatModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedInstructionFlowTest extends FlowConformanceTest {

    static final String PASSAGE = "Bees communicate the location of flowers with a waggle dance.";

    @Override
    protected Flow flow() {
        return new SeedInstructionFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(DataRecord.of(new Payload.Text(PASSAGE)), DataRecord.of(new Payload.Text("Rust's borrow checker prevents data races.")));
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("teacher", ScriptedChatModel.answering(p -> {
            String type = p.lines().filter(l -> l.startsWith("Task type \"")).findFirst().orElseThrow().split("\"")[1];
            return "{\"task\": \"A " + type + " question about the text.\", \"answer\": \"The " + type + " answer.\"}";
        }));
    }

    @Test
    void readingComprehensionTasksCarryTheDocument() {
        Outcome o = run(wellBehavedModels());
        assertEquals(4, o.outputs().size());
        Conversation c = ((Payload.Chat) o.outputs().getFirst().payload()).messages();
        assertTrue(c.messages().get(0).content().startsWith(PASSAGE + "\n\n"), c.messages().get(0).content());
        assertTrue(o.outputs().getFirst().lineage().step().startsWith("seed:reading-comprehension/"));
    }

    @Test
    void standaloneSkillsDoNotAndAUserTaxonomyIsUsed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("taxonomy.yaml");
        Files.writeString(file, """
                content-transformations:
                  memo: A short internal memo.
                skills:
                  trivia:
                    description: Quiz questions.
                    task-types:
                      quiz: A quiz question.
                """);
        SeedInstructionFlowTest custom = new SeedInstructionFlowTest() {
            @Override
            protected Map<String, Object> settings() {
                return Map.of("skill", "trivia", "taxonomy", file.toString(), "per-input", 1);
            }
        };
        Outcome o = custom.run(wellBehavedModels());
        assertEquals(2, o.outputs().size());
        assertEquals("A quiz question about the text.", ((Payload.Chat) o.outputs().getFirst().payload()).messages().messages().get(0).content());
    }

    @Test
    void unknownSkillsAndBrokenTaxonomiesFailValidationNamingTheField(@TempDir Path dir) throws Exception {
        FlowConfigException e = assertThrows(FlowConfigException.class,
                () -> flow().validate(FlowSettings.of(Map.of("skill", "juggling"))));
        assertTrue(e.getMessage().contains("'juggling'") && e.getMessage().contains("reading-comprehension"), e.getMessage());
        Path broken = dir.resolve("t.yaml");
        Files.writeString(broken, "content-transformations:\n  memo: A memo.\nskills:\n  trivia:\n    description: Quiz.\n    task-types: []\n");
        FlowConfigException b = assertThrows(FlowConfigException.class,
                () -> flow().validate(FlowSettings.of(Map.of("skill", "trivia", "taxonomy", broken.toString()))));
        assertTrue(b.getMessage().contains(broken.toString()) && b.getMessage().contains("skills.trivia.task-types"), b.getMessage());
    }

    @Test
    void theBuiltInTaxonomyHasTheSixStartingSkills() {
        assertEquals(List.of("reading-comprehension", "text-editing", "open-domain-qa", "coding", "tool-use", "creative-writing"),
                List.copyOf(Taxonomy.load("").skills().keySet()));
    }
}
