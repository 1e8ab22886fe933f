package dev.distillery.judges.llm;

import dev.distillery.judges.ScriptedChatModel;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RubricJudgeTest {

    @Test
    void gradesAgainstTheRubricShownInThePrompt() {
        var model = ScriptedChatModel.replying("Feedback: The reasoning is valid but skips a step. [RESULT] 4").named("prom");
        var judge = RubricJudge.builder(model, Rubric.resolve("reasoning")).build();
        var v = assertInstanceOf(Verdict.Scored.class, judge.judge(new JudgeInput("Is 91 prime?", "No, 91 = 7 * 13.", null)));
        assertEquals(4.0, v.score());
        assertEquals("rubric-reasoning:prom", v.judge());
        String user = ScriptedChatModel.userText(model.requests().getFirst());
        assertTrue(user.contains("###Score Rubrics:\n[" + Rubric.resolve("reasoning").criterion() + "]"), user);
        assertTrue(user.contains("Score 5: The reasoning is complete"), user);
        assertTrue(user.contains("###Response to evaluate:\nNo, 91 = 7 * 13."), user);
    }

    @Test
    void aReferenceIsShownAsTheScoreFiveAnswer() {
        var model = ScriptedChatModel.replying("[RESULT] 5");
        RubricJudge.builder(model, Rubric.resolve("factual-validity")).build()
                .judge(new JudgeInput("Capital of Australia?", "Canberra", "Canberra"));
        assertTrue(ScriptedChatModel.userText(model.requests().getFirst()).contains("###Reference Answer (Score 5):\nCanberra"));
    }

    @Test
    void theProviderFindsARubricFileInThePromptDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("tone.yaml"),
                "criterion: Is it polite?\nscore1: rude\nscore2: curt\nscore3: neutral\nscore4: polite\nscore5: warm\n");
        var model = ScriptedChatModel.replying("[RESULT] 5");
        var judge = dev.distillery.judges.Judges.judge("rubric", new dev.distillery.judges.spi.JudgeConfig(
                java.util.Map.of("rubric", "tone.yaml"), java.util.List.of(model), dir, null));
        assertEquals(5.0, assertInstanceOf(Verdict.Scored.class, judge.judge(new JudgeInput("q", "a", null))).score());
        assertTrue(ScriptedChatModel.userText(model.requests().getFirst()).contains("[Is it polite?]\nScore 1: rude"));
        assertEquals("rubric-tone:scripted", judge.name());
    }

    @Test
    void anOutOfScaleOrMissingResultIsAFailure() {
        var judge = RubricJudge.builder(ScriptedChatModel.sequence("[RESULT] 7", "Feedback only."), Rubric.resolve("helpfulness"))
                .attempts(2).build();
        var v = assertInstanceOf(Verdict.Failed.class, judge.judge(new JudgeInput("q", "a", null)));
        assertTrue(v.reason().contains("no '[RESULT] n' marker"), v.reason());
        assertEquals("Feedback only.", v.rawOutput());
    }
}
