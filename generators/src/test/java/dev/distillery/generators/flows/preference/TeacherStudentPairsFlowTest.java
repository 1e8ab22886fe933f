package dev.distillery.generators.flows.preference;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.FlowResult;
import dev.distillery.generators.flow.ScriptedChatModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TeacherStudentPairsFlowTest extends FlowConformanceTest {

    @Override
    protected Flow flow() {
        return new TeacherStudentPairsFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(DataRecord.of(new Payload.Text("What is the boiling point of water at sea level?")),
                DataRecord.of(new Payload.Chat(Conversation.of(Message.user("Translate 'cat' to French.")))),
                DataRecord.of(new Payload.Text("Say OK.")));
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("teacher", ScriptedChatModel.answering(p -> p.contains("Say OK") ? "OK" : "A careful teacher answer."),
                "student", ScriptedChatModel.answering(p -> p.contains("Say OK") ? "OK" : "A sloppy student answer."));
    }

    @Override
    protected ScriptedChatModel formatIgnoringModel() {
        return ScriptedChatModel.answering(p -> " ");
    }

    @Test
    void theTeacherIsChosenAndIdenticalAnswersAreFiltered() {
        Outcome o = run(wellBehavedModels());
        assertEquals(2, o.outputs().size());
        Payload.Preference p = (Payload.Preference) o.outputs().getFirst().payload();
        assertEquals("A careful teacher answer.", p.chosen().text());
        assertEquals("A sloppy student answer.", p.rejected().text());
        assertEquals(1, o.report().progress().filtered());
        assertTrue(o.results().stream().anyMatch(r -> r instanceof FlowResult.Filtered f
                && f.parentIds().contains(sampleInputs().get(2).id()) && f.reason().contains("same answer")));
    }
}
