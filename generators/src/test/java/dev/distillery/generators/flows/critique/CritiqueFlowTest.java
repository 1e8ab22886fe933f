package dev.distillery.generators.flows.critique;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.generators.flow.DeadLetterSink;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.FlowRunner;
import dev.distillery.generators.flow.ScriptedChatModel;
import dev.distillery.generators.model.DeadLetter;
import dev.distillery.generators.model.ModelCallException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CritiqueFlowTest extends FlowConformanceTest {

    static final ScriptedChatModel GRADER = ScriptedChatModel.answering(p -> p.contains("= 5")
            ? "```json\n{\"critique\": \"Step 1 adds wrongly: 2 + 2 is 4, not 5.\", \"verdict\": \"incorrect\"}\n```"
            : "Here you go: {\"critique\": \"Each step checks out.\", \"verdict\": \"correct\"}");

    @Override
    protected Flow flow() {
        return new CritiqueFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(
                DataRecord.of(new Payload.Chat(Conversation.of(Message.user("What is 2 + 2?"), Message.assistant("2 + 2 = 5")))),
                DataRecord.of(new Payload.Chat(Conversation.of(Message.user("What is 3 + 3?"), Message.assistant("3 + 3 = 6")))),
                DataRecord.of(new Payload.PromptCompletion(new PlainText("Capital of France?"), new PlainText("Paris"))));
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("teacher", ScriptedChatModel.answering(p -> p.contains("= 5")
                ? "```json\n{\"critique\": \"Step 1 adds wrongly: 2 + 2 is 4, not 5.\", \"verdict\": \"incorrect\"}\n```"
                : "Here you go: {\"critique\": \"Each step checks out.\", \"verdict\": \"correct\"}"));
    }

    @Test
    void theCritiqueEndsInTheVerdictAndTheVerdictIsAScore() {
        List<DataRecord> out = new ArrayList<>();
        FlowRunner.builder(flow()).model("teacher", GRADER).build().run(RecordSource.of(sampleInputs()), RecordSink.into(out));
        assertEquals(3, out.size());
        Conversation wrong = ((Payload.Chat) out.getFirst().payload()).messages();
        assertTrue(wrong.messages().get(0).content().contains("2 + 2 = 5"), "the training prompt shows the candidate response");
        assertTrue(wrong.last().content().endsWith("Conclusion: incorrect"), wrong.last().content());
        assertEquals(0.0, out.getFirst().scores().get(CritiqueFlow.SCORE).value());
        assertEquals(1.0, out.get(1).scores().get(CritiqueFlow.SCORE).value());
    }

    @Test
    void anUnknownVerdictAndAMissingResponseAreDeadLetters() {
        List<DeadLetter> dead = new ArrayList<>();
        List<DataRecord> out = new ArrayList<>();
        FlowRunner.builder(flow()).model("teacher", ScriptedChatModel.answering(p -> "{\"critique\": \"fine\", \"verdict\": \"mostly\"}"))
                .deadLetters(DeadLetterSink.into(dead)).build()
                .run(RecordSource.of(List.of(sampleInputs().get(1), DataRecord.of(new Payload.Chat(Conversation.of(Message.user("No answer yet")))))),
                        RecordSink.into(out));
        assertTrue(out.isEmpty());
        assertEquals(2, dead.size());
        assertEquals(ModelCallException.Kind.MALFORMED_OUTPUT, dead.get(0).kind());
        assertTrue(dead.get(0).reason().contains("mostly"), dead.get(0).reason());
        assertEquals(ModelCallException.Kind.OTHER, dead.get(1).kind());
        assertTrue(dead.get(1).reason().contains("no candidate response"), dead.get(1).reason());
    }
}
