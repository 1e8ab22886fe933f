package dev.distillery.generators.flows.responses;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Role;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.FlowRunner;
import dev.distillery.generators.flow.ScriptedChatModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponsesFlowTest extends FlowConformanceTest {

    @Override
    protected Flow flow() {
        return new ResponsesFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(DataRecord.of(new Payload.Text("What is 17 * 3?")),
                DataRecord.of(new Payload.Chat(Conversation.of(Message.system("Be terse."), Message.user("Why is the sky blue?")))),
                DataRecord.of(new Payload.Text("Name a prime above 100.")));
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("teacher", ScriptedChatModel.answering(p -> "Answer to: " + p.lines().filter(l -> l.startsWith("user:")).findFirst().orElse("?")));
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("strategies", List.of("step-by-step", "explain-like-im-5"));
    }

    /** Responses are free text, so only an empty answer ignores the format. */
    @Override
    protected ScriptedChatModel formatIgnoringModel() {
        return ScriptedChatModel.answering(p -> "  \n ");
    }

    @Test
    void theStrategyPromptIsSentButErasedFromTheRecord() {
        ScriptedChatModel teacher = ScriptedChatModel.answering(p -> "51");
        List<DataRecord> out = new ArrayList<>();
        FlowRunner.builder(flow()).model("teacher", teacher).build()
                .run(RecordSource.of(List.of(DataRecord.of(new Payload.Text("What is 17 * 3?")))), RecordSink.into(out));
        assertTrue(teacher.prompts().getFirst().startsWith("system: You are a careful teacher. Solve the task step by step"),
                teacher.prompts().getFirst());
        Conversation c = ((Payload.Chat) out.getFirst().payload()).messages();
        assertEquals(List.of(Message.system("You are a helpful assistant."), Message.user("What is 17 * 3?"), Message.assistant("51")),
                c.messages());
    }

    @Test
    void withoutErasureTheRecordKeepsTheStrategyPrompt() {
        List<DataRecord> out = new ArrayList<>();
        FlowRunner.builder(flow()).model("teacher", ScriptedChatModel.answering(p -> "51"))
                .setting("erase-system-prompt", false).setting("strategies", "direct-answer").build()
                .run(RecordSource.of(List.of(DataRecord.of(new Payload.Text("What is 17 * 3?")))), RecordSink.into(out));
        Message system = ((Payload.Chat) out.getFirst().payload()).messages().messages().getFirst();
        assertEquals(Role.SYSTEM, system.role());
        assertTrue(system.content().startsWith("You are a precise assistant."), system.content());
        assertEquals("respond:direct-answer", out.getFirst().lineage().step());
    }
}
