package dev.distillery.generators.flows.agentinstruct;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.ScriptedChatModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstructionRefinementFlowTest extends FlowConformanceTest {

    @Override
    protected Flow flow() {
        return new InstructionRefinementFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(DataRecord.of(new Payload.Chat(Conversation.of(Message.user("Sort a list."), Message.assistant("Use sorted().")))),
                DataRecord.of(new Payload.Text("Name a planet.")));
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of(
                "suggester", ScriptedChatModel.answering(p -> "{\"suggestions\": [\"Add a constraint (round " + p.length() % 3 + ").\"]}").named("sugg"),
                "editor", ScriptedChatModel.answering(p -> {
                    String task = p.substring(p.indexOf("Task:\n") + 6, p.indexOf('\n', p.indexOf("Task:\n") + 6));
                    return "{\"task\": \"" + task + " Explain each step.\", \"answer\": \"Refined answer.\"}";
                }).named("edit"));
    }

    @Test
    void eachRoundEditsThePreviousRoundsTask() {
        Outcome o = run(wellBehavedModels());
        assertEquals(2, o.outputs().size(), "only the last round is emitted by default");
        Conversation c = ((Payload.Chat) o.outputs().getFirst().payload()).messages();
        assertEquals("Sort a list. Explain each step. Explain each step.", c.messages().get(0).content());
        assertEquals(List.of("edit", "sugg"), o.outputs().getFirst().lineage().modelIds());
    }

    @Test
    void theSuggesterSeesTheRoundsGoal() {
        ScriptedChatModel suggester = wellBehavedModels().get("suggester");
        InstructionRefinementFlowTest oneRound = new InstructionRefinementFlowTest() {
            @Override
            protected Map<String, Object> settings() {
                return Map.of("rounds", 1, "goals", List.of("add a trap"));
            }
        };
        oneRound.run(Map.of("suggester", suggester, "editor", wellBehavedModels().get("editor")));
        assertTrue(suggester.prompts().stream().allMatch(p -> p.contains("Propose concrete changes that add a trap")));
    }
}
