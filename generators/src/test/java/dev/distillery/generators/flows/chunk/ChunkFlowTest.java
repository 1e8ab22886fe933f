package dev.distillery.generators.flows.chunk;

import dev.distillery.datasets.model.DataRecord;
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

class ChunkFlowTest extends FlowConformanceTest {

    @Override
    protected Flow flow() {
        return new ChunkFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(DataRecord.of(new Payload.Text("# Title\n" + "word ".repeat(40) + "\n\n# Second\n" + "more ".repeat(40))),
                DataRecord.of(new Payload.Text("Short plain text.")),
                DataRecord.of(new Payload.Text("\n\n   \n")));
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of();
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("max-chars", 250, "overlap", 0);
    }

    @Test
    void chunksInheritTheDocumentAndBlankDocumentsAreFiltered() {
        Outcome o = run(Map.of());
        assertEquals(3, o.outputs().size());
        assertTrue(o.outputs().get(1).payload().text().startsWith("# Second"));
        assertEquals(sampleInputs().getFirst().id(), o.outputs().getFirst().lineage().seedDocumentId());
        assertEquals(1, o.report().progress().filtered());
    }

    @Test
    void impossibleLimitsFailValidation() {
        FlowConfigException e = assertThrows(FlowConfigException.class,
                () -> flow().validate(FlowSettings.of(Map.of("max-chars", 100, "overlap", 150))));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    }
}
