package dev.distillery.generators.flows.agentinstruct;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConfigException;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.FlowSettings;
import dev.distillery.generators.flow.ScriptedChatModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentTransformationFlowTest extends FlowConformanceTest {

    @Override
    protected Flow flow() {
        return new ContentTransformationFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(
                DataRecord.of(new Payload.Text("The Great Barrier Reef is the world's largest coral reef system."))
                        .withLineage(new Lineage(List.of("doc-1"), null, "chunk", List.of(), null, "doc-1")),
                DataRecord.of(new Payload.Text("Photosynthesis converts light energy into chemical energy.")));
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("transformations", List.of("debate", "meeting-transcript", "qa-notes"), "per-input", 2);
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("teacher", ScriptedChatModel.answering(p -> {
            String genre = p.lines().filter(l -> l.matches("(debate|meeting-transcript|qa-notes): .*")).findFirst().orElseThrow().split(":")[0];
            return "{\"text\": \"A " + genre + " about the content.\"}";
        }));
    }

    @Test
    void eachInputBecomesDistinctGenresThatKeepTheSeedDocument() {
        Outcome o = run(wellBehavedModels());
        assertEquals(4, o.outputs().size());
        DataRecord a = o.outputs().get(0);
        DataRecord b = o.outputs().get(1);
        assertTrue(a.lineage().step().startsWith("transform:") && !a.lineage().step().equals(b.lineage().step()));
        assertEquals("A " + a.lineage().step().substring(10) + " about the content.", a.payload().text());
        assertEquals("doc-1", a.lineage().seedDocumentId(), "the chunk's document is kept");
        assertEquals(sampleInputs().get(1).id(), o.outputs().get(2).lineage().seedDocumentId(), "an unchunked input is its own document");
    }

    @Test
    void anUnknownGenreFailsValidationWithTheKnownOnes() {
        FlowConfigException e = assertThrows(FlowConfigException.class,
                () -> flow().validate(FlowSettings.of(Map.of("transformations", List.of("limerick")))));
        assertTrue(e.getMessage().contains("'limerick'") && e.getMessage().contains("debate"), e.getMessage());
    }
}
