package dev.distillery.judges;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.SourceFields;
import dev.distillery.judges.llm.PositionSwap;
import dev.distillery.judges.llm.SingleGradeJudge;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;
import dev.distillery.judges.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JudgesTest {

    private static JudgeConfig config(ScriptedChatModel model, Map<String, Object> settings) {
        return new JudgeConfig(settings, List.of(model), null, "judges.yaml");
    }

    @Test
    void theLlmJudgesAndTheJuryAreRegistered() {
        List<String> names = Judges.providers().stream().map(JudgeProvider::name).toList();
        assertTrue(names.containsAll(List.of("single-grade", "pairwise", "rubric", "multi-aspect", "p-true", "jury")), names.toString());
        assertEquals(JudgeProvider.Kind.PAIRWISE, Judges.provider("pairwise").kind());
    }

    @Test
    void aMisspeltJudgeNameSuggestsTheClosestOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> Judges.provider("pairwse"));
        assertTrue(e.getMessage().startsWith("unknown judge 'pairwse'; did you mean 'pairwise'?"), e.getMessage());
        assertTrue(e.getMessage().contains("single-grade"), "lists the known judges: " + e.getMessage());
        var far = assertThrows(IllegalArgumentException.class, () -> Judges.provider("zzzzzzzzzzzz"));
        assertFalse(far.getMessage().contains("did you mean"), far.getMessage());
    }

    @Test
    void buildingAJudgeOfTheWrongKindSaysWhichBuilderToUse() {
        var model = ScriptedChatModel.replying("[[A]]");
        var e = assertThrows(IllegalArgumentException.class, () -> Judges.judge("pairwise", config(model, Map.of())));
        assertTrue(e.getMessage().contains("Judges.pairwise"), e.getMessage());
        var p = assertThrows(IllegalArgumentException.class, () -> Judges.pairwise("single-grade", config(model, Map.of())));
        assertTrue(p.getMessage().contains("Judges.judge"), p.getMessage());
    }

    @Test
    void settingsAreTypedCheckedAndMisspellingsCaught() {
        var model = ScriptedChatModel.replying("Rating: [[3]]");
        Judge j = Judges.judge("single-grade", config(model, Map.of("name", "my-grader", "attempts", 1, "temperature", "0.2")));
        assertEquals("my-grader", j.name());
        j.judge(new dev.distillery.judges.spi.JudgeInput("q", "a", null));
        assertEquals(0.2, model.requests().getFirst().temperature());

        var typo = assertThrows(IllegalArgumentException.class, () -> Judges.judge("single-grade", config(model, Map.of("atempts", 3))));
        assertTrue(typo.getMessage().contains("judges.yaml") && typo.getMessage().contains("unknown setting 'atempts'; did you mean 'attempts'?"),
                typo.getMessage());
        var notNumber = assertThrows(IllegalArgumentException.class, () -> Judges.judge("single-grade", config(model, Map.of("attempts", "many"))));
        assertTrue(notNumber.getMessage().contains("'attempts' must be a whole number >= 1, got 'many'"), notNumber.getMessage());
        var noModel = assertThrows(IllegalArgumentException.class,
                () -> Judges.judge("rubric", new JudgeConfig(Map.of(), List.of(), null, null)));
        assertTrue(noModel.getMessage().contains("needs a chat model"), noModel.getMessage());
        var badRubric = assertThrows(IllegalArgumentException.class, () -> Judges.judge("rubric", config(model, Map.of("rubric", "kindness"))));
        assertTrue(badRubric.getMessage().contains("setting 'rubric'") && badRubric.getMessage().contains("kindness"), badRubric.getMessage());
    }

    @Test
    void applyStoresTheScoreUnderTheJudgesNameForAChat() {
        var model = ScriptedChatModel.replying("Right. Rating: [[8]]");
        Judge judge = SingleGradeJudge.builder(model).name("grader").build();
        DataRecord record = DataRecord.of(new Payload.Chat(Conversation.of(
                Message.system("Be brief."), Message.user("2+2?"), Message.assistant("4"),
                Message.user("And 3+3?"), Message.assistant("6"))));
        Judged<Verdict> judged = Judges.apply(judge, record);
        assertTrue(judged.scored());
        assertEquals(8.0, judged.record().scores().get("grader").value());
        assertTrue(judged.record().scores().get("grader").rationale().contains("Right."));
        assertEquals(record.id(), judged.record().id());
        String user = ScriptedChatModel.userText(model.requests().getFirst());
        // The last assistant turn is judged; everything before it is the prompt, labelled by role.
        assertTrue(user.contains("System: Be brief.\n\nUser: 2+2?\n\nAssistant: 4\n\nUser: And 3+3?"), user);
        assertTrue(user.contains("[Start of the assistant's answer]\n6\n"), user);
    }

    @Test
    void aFailureLeavesTheRecordWithoutAScore() {
        Judge judge = SingleGradeJudge.builder(ScriptedChatModel.replying("dunno")).name("grader").attempts(1).build();
        DataRecord record = DataRecord.of(new Payload.PromptCompletion(new PlainText("2+2?"), new PlainText("4")));
        Judged<Verdict> judged = Judges.apply(judge, record);
        assertFalse(judged.scored());
        assertSame(record, judged.record());
        assertTrue(judged.record().scores().isEmpty());
        assertEquals("dunno", assertInstanceOf(Verdict.Failed.class, judged.verdict()).rawOutput());
    }

    @Test
    void recordsWithoutASingleAnswerAreFailuresNotExceptions() {
        Judge judge = SingleGradeJudge.builder(ScriptedChatModel.replying("[[5]]")).build();
        for (Payload p : List.of(new Payload.Text("hello"), new Payload.Tokens(new int[]{1}, new int[]{1}),
                new Payload.Chat(Conversation.of(Message.user("hi"))),
                new Payload.Preference(new PlainText("q"), new PlainText("a"), new PlainText("b")))) {
            var judged = Judges.apply(judge, DataRecord.of(p));
            assertInstanceOf(Verdict.Failed.class, judged.verdict(), p.type());
            assertTrue(judged.record().scores().isEmpty());
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> Judges.inputOf(DataRecord.of(new Payload.Text("x")), Judges.REFERENCE_FIELD));
        assertTrue(e.getMessage().contains("text record"), e.getMessage());
    }

    @Test
    void theReferenceComesFromTheRecordsSourceField() {
        var fields = JsonNodeFactory.instance.objectNode().put("reference", "Canberra").put("answer", "Sydney?");
        DataRecord record = DataRecord.of(new Payload.PromptCompletion(new PlainText("Capital of Australia?"), new PlainText("Canberra")))
                .withSource(new SourceFields("alpaca", fields));
        assertEquals("Canberra", Judges.inputOf(record, Judges.REFERENCE_FIELD).reference());
        assertEquals("Sydney?", Judges.inputOf(record, "answer").reference());
        var model = ScriptedChatModel.replying("[[10]]");
        Judges.apply(SingleGradeJudge.builder(model).build(), record);
        assertTrue(ScriptedChatModel.userText(model.requests().getFirst()).contains("[Start of the reference answer]\nCanberra"));
    }

    @Test
    void aPairwiseJudgeScoresAPreferenceRecordByAgreementWithItsLabel() {
        DataRecord pref = DataRecord.of(new Payload.Preference(
                Conversation.of(Message.user("17 * 3?")),
                Conversation.of(Message.assistant("It is 51.")),
                Conversation.of(Message.assistant("It is 41."))));
        var sound = ScriptedChatModel.answering(r -> {
            String t = ScriptedChatModel.userText(r);
            return t.indexOf("51") < t.indexOf("41") ? "[[A]]" : "[[B]]";
        });
        PairwiseJudge judge = Judges.pairwise("pairwise", config(sound, Map.of("name", "pj")));
        assertInstanceOf(PositionSwap.class, judge);
        Judged<PairwiseVerdict> agrees = Judges.apply(judge, pref);
        assertEquals(1.0, agrees.record().scores().get("pj").value());
        assertTrue(agrees.record().scores().get("pj").rationale().startsWith("prefers chosen (swap-consistent)"));
        assertTrue(ScriptedChatModel.userText(sound.requests().getFirst()).contains("[User question]\n17 * 3?"));

        PairwiseJudge biased = Judges.pairwise("pairwise", config(ScriptedChatModel.replying("[[A]]"), Map.of("name", "pj")));
        var tie = Judges.apply(biased, pref);
        assertEquals(0.5, tie.record().scores().get("pj").value());
        assertTrue(tie.record().scores().get("pj").rationale().startsWith("prefers neither (swap-inconsistent)"));

        var notPref = Judges.apply(judge, DataRecord.of(new Payload.Text("x")));
        assertTrue(assertInstanceOf(PairwiseVerdict.Failed.class, notPref.verdict()).reason().contains("needs a preference record"));
    }

    @Test
    void aJudgeThatThrowsIsRecordedAsAFailure() {
        Judge throwing = new Judge() {
            @Override
            public String name() {
                return "thrower";
            }

            @Override
            public Verdict judge(dev.distillery.judges.spi.JudgeInput input) {
                throw new IllegalStateException("bug");
            }
        };
        var judged = Judges.apply(throwing, DataRecord.of(new Payload.PromptCompletion(new PlainText("q"), new PlainText("a"))));
        assertTrue(assertInstanceOf(Verdict.Failed.class, judged.verdict()).reason().contains("bug"));
    }
}
