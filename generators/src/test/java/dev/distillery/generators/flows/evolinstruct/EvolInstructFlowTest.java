package dev.distillery.generators.flows.evolinstruct;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.FlowResult;
import dev.distillery.generators.flow.ScriptedChatModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvolInstructFlowTest extends FlowConformanceTest {

    @Override
    protected Flow flow() {
        return new EvolInstructFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(DataRecord.of(new Payload.Text("Sort a list of numbers.")),
                DataRecord.of(new Payload.Text("Explain photosynthesis.")),
                DataRecord.of(new Payload.Text("Write a haiku about snow.")));
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("rounds", 2);
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("teacher", ScriptedChatModel.answering(p -> {
            String given = p.substring(p.indexOf("Given prompt:\n") + 14, p.indexOf("\n\nReply")).strip();
            return "{\"instruction\": \"" + given + " Do it in under 50 words and justify each step.\"}";
        }));
    }

    @Test
    void eachRoundEvolvesThePreviousResultAndChainsLineage() {
        Outcome o = run(wellBehavedModels());
        assertEquals(6, o.outputs().size());
        DataRecord first = o.outputs().get(0);
        DataRecord second = o.outputs().get(1);
        assertEquals("Sort a list of numbers. Do it in under 50 words and justify each step.", first.payload().text());
        assertEquals(List.of(first.id()), second.lineage().parentIds(), "round 2 derives from round 1");
        assertTrue(second.payload().text().startsWith(first.payload().text()));
        assertTrue(first.lineage().step().startsWith("evolve:"));
    }

    @Test
    void failedEvolutionsAreEliminatedAndTheNextRoundRetriesFromTheParent() {
        AtomicInteger n = new AtomicInteger();
        ScriptedChatModel teacher = ScriptedChatModel.answering(p -> n.incrementAndGet() == 1
                ? "{\"instruction\": \"#Rewritten Prompt#: Sort a list of numbers descending.\"}"
                : "{\"instruction\": \"Sort a list of numbers in descending order without built-ins.\"}");
        DataRecord only = sampleInputs().getFirst();
        EvolInstructFlowTest oneInput = new EvolInstructFlowTest() {
            @Override
            protected List<DataRecord> sampleInputs() {
                return List.of(only);   // one input, so the scripted call order is the flow's own
            }
        };
        Outcome o = oneInput.run(Map.of("teacher", teacher));
        FlowResult.Filtered f = (FlowResult.Filtered) o.results().getFirst();
        assertTrue(f.reason().contains("copies the rewriting prompt"), f.reason());
        assertEquals(List.of(only.id()), f.parentIds());
        assertEquals(List.of(only.id()), o.outputs().getFirst().lineage().parentIds(),
                "round 2 evolved the original again");
        assertTrue(teacher.prompts().get(1).contains("Given prompt:\nSort a list of numbers.\n"));
    }

    @Test
    void theOptionalJudgeEliminatesEvolutionsWithoutInformationGain() {
        ScriptedChatModel teacher = wellBehavedModels().get("teacher");
        ScriptedChatModel judge = ScriptedChatModel.answering(p -> "{\"equal\": true}");
        Outcome o = run(Map.of("teacher", teacher, "judge", judge));
        assertEquals(6, o.outputs().size(), "without the check every round passes");
        assertEquals(0, judge.calls());
        // Same models, equality check on: the judge's "equal" eliminates every evolution.
        EvolInstructFlowTest withCheck = new EvolInstructFlowTest() {
            @Override
            protected Map<String, Object> settings() {
                return Map.of("rounds", 2, "equality-check", true);
            }
        };
        Outcome checked = withCheck.run(Map.of("teacher", teacher, "judge", judge));
        assertTrue(checked.outputs().isEmpty());
        assertEquals(6, checked.report().progress().filtered());
        assertTrue(((FlowResult.Filtered) checked.results().getFirst()).reason().contains("no information gain"));
    }

    @Test
    void cheapEliminationRules() {
        assertNull(EvolInstructFlow.eliminate("Sort a list.", "Sort a list in place, in O(n log n).", 3));
        assertTrue(EvolInstructFlow.eliminate("Sort a list.", "Sort, a LIST!", 3).contains("unchanged"));
        assertTrue(EvolInstructFlow.eliminate("Sort a list.", "Sort it.", 3).contains("shorter"));
        assertTrue(EvolInstructFlow.eliminate("Sort a list.", "The given prompt asks to sort a list.", 3).contains("given prompt"));
    }
}
