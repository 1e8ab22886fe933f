package dev.distillery.examples.crosscheck;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.generators.flow.Flow;
import dev.distillery.generators.flow.FlowConformanceTest;
import dev.distillery.generators.flow.FlowResult;
import dev.distillery.generators.flow.FlowRunner;
import dev.distillery.generators.flow.ScriptedChatModel;
import dev.distillery.generators.model.ModelCallException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example plugin passes the conformance base every flow passes, and keeps only answers that agree. */
class CrossCheckFlowTest extends FlowConformanceTest {

    private static final Map<String, String> ANSWERS = Map.of("What is 12 + 30?", "42",
            "Write in upper case: big dog", "BIG DOG", "Which is larger, 17 or 71?", "71");

    @Override
    protected Flow flow() {
        return new CrossCheckFlow();
    }

    @Override
    protected List<DataRecord> sampleInputs() {
        return ANSWERS.keySet().stream().sorted().map(q -> DataRecord.of(new Payload.Text(q))).toList();
    }

    /** A teacher that knows the answers, and follows the step-by-step format when asked for it. */
    private static ScriptedChatModel teacher(String wrongFor) {
        return ScriptedChatModel.answering(prompt -> {
            String q = ANSWERS.keySet().stream().filter(prompt::contains).findFirst().orElseThrow();
            boolean reasoned = prompt.contains("step by step");
            String a = reasoned && q.equals(wrongFor) ? "17" : ANSWERS.get(q);
            return reasoned ? "First I read the question.\nThen I work it out.\nAnswer: " + a + "." : a;
        });
    }

    @Override
    protected Map<String, ScriptedChatModel> wellBehavedModels() {
        return Map.of("teacher", teacher(null));
    }

    @Test
    void agreeingAnswersAreKeptAndADisagreementIsFilteredWithBothAnswers() {
        Outcome o = run(Map.of("teacher", teacher("Which is larger, 17 or 71?")));
        assertEquals(2, o.outputs().size());
        assertTrue(o.outputs().stream().anyMatch(r -> r.payload().text().contains("42")), o.outputs().toString());
        List<FlowResult.Filtered> filtered = o.results().stream().filter(r -> r instanceof FlowResult.Filtered)
                .map(r -> (FlowResult.Filtered) r).toList();
        assertEquals(1, filtered.size());
        assertEquals("the two answers disagree: '71' vs '17'", filtered.getFirst().reason());
    }

    @Test
    void theRecordKeepsTheReasonedAnswerWhenAskedTo() {
        List<DataRecord> out = new ArrayList<>();
        FlowRunner.builder(new CrossCheckFlow()).setting("record-answer", "reasoned").model("teacher", teacher(null)).build()
                .run(RecordSource.of(sampleInputs()), RecordSink.into(out));
        assertEquals(3, out.size());
        assertTrue(out.stream().allMatch(r -> r.payload().text().contains("Answer: ")), out.toString());
    }

    @Test
    void finalAnswersAreReadAfterTheLastAnswerLineAndNormalised() {
        assertEquals("71", CrossCheckFlow.normalize(CrossCheckFlow.finalAnswer("answer: 17?\nNo. Answer: \"71.\"\n")));
        assertEquals("big dog", CrossCheckFlow.normalize("  BIG   DOG. "));
        ModelCallException e = assertThrows(ModelCallException.class, () -> CrossCheckFlow.finalAnswer("It is 42."));
        assertEquals(ModelCallException.Kind.MALFORMED_OUTPUT, e.kind());
    }
}
