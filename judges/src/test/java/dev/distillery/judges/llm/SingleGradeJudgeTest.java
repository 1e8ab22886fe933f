package dev.distillery.judges.llm;

import dev.distillery.judges.ScriptedChatModel;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SingleGradeJudgeTest {
    private static final JudgeInput INPUT = new JudgeInput("What is 17 * 3?", "17 * 3 = 51.", null);

    @Test
    void scoresTheRatingTheModelGivesWithItsExplanationAsRationale() {
        var model = ScriptedChatModel.replying("Correct and concise.\n\nRating: [[9]]").named("judge-7b");
        var judge = SingleGradeJudge.builder(model).build();
        var v = assertInstanceOf(Verdict.Scored.class, judge.judge(INPUT));
        assertEquals(9.0, v.score());
        assertEquals("single-grade:judge-7b", v.judge());
        assertTrue(v.rationale().contains("Correct and concise."), v.rationale());
        var request = model.requests().getFirst();
        assertEquals(0.0, request.temperature());
        String user = ScriptedChatModel.userText(request);
        assertTrue(user.contains("What is 17 * 3?") && user.contains("17 * 3 = 51."), user);
        assertFalse(user.contains("reference answer"), "plain prompt without a reference");
        assertTrue(ScriptedChatModel.systemText(request).contains("impartial"));
    }

    @Test
    void usesTheReferenceGuidedPromptWhenTheInputHasAReference() {
        var model = ScriptedChatModel.replying("The answer matches the reference. Rating: [[10]]");
        var judge = SingleGradeJudge.builder(model).build();
        var v = judge.judge(new JudgeInput("What is 17 * 3?", "51", "17 * 3 = 51"));
        assertEquals(10.0, assertInstanceOf(Verdict.Scored.class, v).score());
        String user = ScriptedChatModel.userText(model.requests().getFirst());
        assertTrue(user.contains("[Start of the reference answer]\n17 * 3 = 51"), user);
    }

    @Test
    void referenceModesRequireOrIgnoreTheReference() {
        var model = ScriptedChatModel.replying("Rating: [[5]]");
        var required = SingleGradeJudge.builder(model).referenceMode(ReferenceMode.REQUIRED).build();
        var failed = assertInstanceOf(Verdict.Failed.class, required.judge(INPUT));
        assertTrue(failed.reason().contains("needs a reference"), failed.reason());
        assertEquals(0, model.calls(), "no model call without the reference");

        var ignoring = SingleGradeJudge.builder(model).referenceMode(ReferenceMode.IGNORE).build();
        ignoring.judge(new JudgeInput("q", "a", "secret reference"));
        assertFalse(ScriptedChatModel.userText(model.requests().getFirst()).contains("secret reference"));
    }

    @Test
    void anUnparseableVerdictIsAFailureWithTheRawOutputNotADefaultScore() {
        var model = ScriptedChatModel.replying("I think this answer is pretty good overall.");
        var judge = SingleGradeJudge.builder(model).attempts(3).build();
        var v = assertInstanceOf(Verdict.Failed.class, judge.judge(INPUT));
        assertTrue(v.reason().contains("no rating marker") && v.reason().contains("after 3 attempts"), v.reason());
        assertEquals("I think this answer is pretty good overall.", v.rawOutput());
        assertEquals(3, model.calls());
    }

    @Test
    void aRetryRecoversFromOneGarbledReply() {
        var model = ScriptedChatModel.sequence("Rating: [[", "Fine. Rating: [[6]]");
        var v = SingleGradeJudge.builder(model).build().judge(INPUT);
        assertEquals(6.0, assertInstanceOf(Verdict.Scored.class, v).score());
        assertEquals(2, model.calls());
    }

    @Test
    void aModelCallThatThrowsIsAFailureWithTheExceptionMessage() {
        var model = ScriptedChatModel.failing(new UncheckedIOException("connection refused", new java.io.IOException()));
        var v = assertInstanceOf(Verdict.Failed.class, SingleGradeJudge.builder(model).attempts(1).build().judge(INPUT));
        assertTrue(v.reason().contains("model call failed") && v.reason().contains("connection refused"), v.reason());
        assertNull(v.rawOutput());
    }

    @Test
    void outOfRangeRatingsAndMissingInputsAreFailures() {
        var model = ScriptedChatModel.replying("Rating: [[12]]");
        var judge = SingleGradeJudge.builder(model).attempts(1).build();
        assertTrue(assertInstanceOf(Verdict.Failed.class, judge.judge(INPUT)).reason().contains("outside 1..10"));
        assertInstanceOf(Verdict.Failed.class, judge.judge(new JudgeInput(null, "a", null)));
        assertInstanceOf(Verdict.Failed.class, judge.judge(null));
    }

    @Test
    void aUserPromptOverrideIsUsedAndItsScaleRespected(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("single-v1.txt"), "Rate 1-5: {{answer}} (question: {{question}})");
        var model = ScriptedChatModel.replying("Rating: [[4]]");
        var judge = SingleGradeJudge.builder(model).promptDir(dir).scale(1, 5).build();
        assertEquals(4.0, assertInstanceOf(Verdict.Scored.class, judge.judge(INPUT)).score());
        assertEquals("Rate 1-5: 17 * 3 = 51. (question: What is 17 * 3?)\n", ScriptedChatModel.userText(model.requests().getFirst()));
        Files.writeString(dir.resolve("single-v1.txt"), "Rate {{answr}}");
        var e = assertThrows(IllegalArgumentException.class, () -> SingleGradeJudge.builder(model).promptDir(dir).build());
        assertTrue(e.getMessage().contains("{{answr}}"), e.getMessage());
    }
}
