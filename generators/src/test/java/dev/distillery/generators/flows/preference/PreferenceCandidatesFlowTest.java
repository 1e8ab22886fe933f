package dev.distillery.generators.flows.preference;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.DeadLetterSink;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConfigException;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.FlowRunner;
import dev.distillery.generators.flow.ScriptedChatModel;
import dev.distillery.generators.model.DeadLetter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferenceCandidatesFlowTest extends FlowConformanceTest {

    @Override
    protected Flow flow() {
        return new PreferenceCandidatesFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return List.of(DataRecord.of(new Payload.Text("Write a haiku about rain.")), DataRecord.of(new Payload.Text("Define entropy.")));
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("teacher", ScriptedChatModel.answering(p -> "teacher says " + p.length()).named("gpt-teacher"),
                "student", ScriptedChatModel.answering(p -> "student says " + p.length()).named("local-student"));
    }

    @Override
    protected Map<String, Object> settings() {
        return Map.of("samples", 2, "roles", List.of("teacher", "student"));
    }

    @Override
    protected ScriptedChatModel formatIgnoringModel() {
        return ScriptedChatModel.answering(p -> "");
    }

    @Test
    void samplesEachRoleNTimesWithTheirModelIds() {
        List<DataRecord> out = new ArrayList<>();
        FlowRunner.Builder b = FlowRunner.builder(flow()).settings(settings());
        wellBehavedModels().forEach(b::model);
        b.build().run(RecordSource.of(sampleInputs()), RecordSink.into(out));
        assertEquals(2 * 2 * 2, out.size());
        assertEquals(List.of("gpt-teacher", "gpt-teacher", "local-student", "local-student"),
                out.subList(0, 4).stream().map(r -> r.lineage().modelIds().getFirst()).toList());
    }

    @Test
    void oneFailedSampleIsOneDeadLetterAndTheOthersAreKept() {
        AtomicInteger n = new AtomicInteger();
        ScriptedChatModel flaky = ScriptedChatModel.answering(p -> n.incrementAndGet() == 2 ? "" : "ok " + n.get());
        List<DataRecord> out = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        FlowRunner.builder(flow()).model("teacher", flaky).setting("samples", 3).deadLetters(DeadLetterSink.into(dead)).build()
                .run(RecordSource.of(sampleInputs().subList(0, 1)), RecordSink.into(out));
        assertEquals(2, out.size());
        assertEquals(1, dead.size());
    }

    @Test
    void aListedRoleWithoutAModelFailsBeforeAnyCall() {
        ScriptedChatModel teacher = ScriptedChatModel.answering(p -> "x");
        FlowConfigException e = assertThrows(FlowConfigException.class, () -> FlowRunner.builder(flow())
                .model("teacher", teacher).setting("roles", List.of("teacher", "student")).build());
        assertTrue(e.getMessage().contains("'student'"), e.getMessage());
        assertEquals(0, teacher.calls());
    }
}
