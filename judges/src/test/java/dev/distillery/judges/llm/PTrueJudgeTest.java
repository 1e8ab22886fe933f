package dev.distillery.judges.llm;

import dev.distillery.judges.ScriptedChatModel;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PTrueJudgeTest {
    private static final JudgeInput INPUT = new JudgeInput("What is 17 * 3?", "51", null);

    @Test
    void estimatesTheProbabilityOfTrueFromSamplesAtTheGivenTemperature() {
        var model = ScriptedChatModel.sequence("(A) True", "(B) False", "(A) True", "(A) True", "(A) True");
        var v = assertInstanceOf(Verdict.Scored.class, PTrueJudge.builder(model).samples(5).temperature(0.8).build().judge(INPUT));
        assertEquals(0.8, v.score(), 1e-12);
        assertEquals(5, model.calls());
        model.requests().forEach(r -> assertEquals(0.8, r.temperature()));
        assertTrue(v.rationale().startsWith("4 of 5 samples True"), v.rationale());
        String user = ScriptedChatModel.userText(model.requests().getFirst());
        assertTrue(user.contains("Proposed answer: 51") && user.contains("(A) True") && user.contains("(B) False"), user);
    }

    @Test
    void unparseableSamplesAreLeftOutNotCountedAsFalse() {
        var model = ScriptedChatModel.sequence("(A) True", "hmm", "(B) False", "(A) True");
        var v = assertInstanceOf(Verdict.Scored.class, PTrueJudge.builder(model).samples(4).build().judge(INPUT));
        assertEquals(2.0 / 3, v.score(), 1e-12);
        assertTrue(v.rationale().contains("1 unparseable"), v.rationale());
    }

    @Test
    void fewerThanHalfParseableSamplesIsAFailure() {
        var model = ScriptedChatModel.sequence("(A) True", "???", "no", "");
        var v = assertInstanceOf(Verdict.Failed.class, PTrueJudge.builder(model).samples(4).build().judge(INPUT));
        assertTrue(v.reason().startsWith("3 of 4 samples unusable"), v.reason());
    }

    @Test
    void samplingAtTemperatureZeroIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PTrueJudge.builder(ScriptedChatModel.replying("A")).samples(3).temperature(0).build());
        assertTrue(e.getMessage().contains("temperature above 0"), e.getMessage());
    }

    @Test
    void aModelThatThrowsIsAFailure() {
        var v = PTrueJudge.builder(ScriptedChatModel.failing(new RuntimeException("boom"))).build().judge(INPUT);
        assertTrue(assertInstanceOf(Verdict.Failed.class, v).reason().contains("boom"));
    }
}
