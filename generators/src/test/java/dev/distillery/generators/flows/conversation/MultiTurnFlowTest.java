package dev.distillery.generators.flows.conversation;

import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.ScriptedChatModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiTurnFlowTest extends FlowConformanceTest {

    @Override
    protected Flow flow() {
        return new MultiTurnFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(DataRecord.of(new Payload.Text("How do vaccines work?")),
                DataRecord.of(new Payload.Chat(Conversation.of(Message.user("Plan a 3-day trip to Lisbon.")))));
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("user-simulator", ScriptedChatModel.answering(p -> "User: Can you say more about point " + p.length() % 7 + "?"),
                "assistant", ScriptedChatModel.answering(p -> "Assistant reply #" + p.lines().count()));
    }

    @Override
    protected ScriptedChatModel formatIgnoringModel() {
        return ScriptedChatModel.answering(p -> "");
    }

    @Test
    void alternatesNTurnsAndTheSimulatorSeesTheConversation() {
        Outcome o = run(wellBehavedModels());
        Conversation c = ((Payload.Chat) o.outputs().getFirst().payload()).messages();
        assertEquals(6, c.messages().size(), c.toString());
        for (int i = 0; i < 6; i++) assertEquals(i % 2 == 0 ? Role.USER : Role.ASSISTANT, c.messages().get(i).role());
        assertEquals("How do vaccines work?", c.messages().getFirst().content());
        assertTrue(c.messages().get(2).content().startsWith("Can you say more"), "the 'User:' prefix is stripped");
    }

    @Test
    void oneModelCanPlayBothSidesThroughTheTeacherFallback() {
        ScriptedChatModel teacher = ScriptedChatModel.answering(p -> p.contains("role-playing") ? "And why?" : "Because.");
        Outcome o = run(Map.of("teacher", teacher));
        assertEquals(2, o.outputs().size());
        assertEquals(2 * (3 + 2), teacher.calls(), "text input: 3 assistant + 2 simulated user turns; chat input: same");
    }
}
