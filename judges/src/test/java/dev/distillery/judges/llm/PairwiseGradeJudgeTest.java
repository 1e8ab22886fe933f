package dev.distillery.judges.llm;

import dev.distillery.judges.ScriptedChatModel;
import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;
import dev.distillery.judges.spi.PairwiseVerdict.Winner;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairwiseGradeJudgeTest {
    private static final PairInput PAIR = new PairInput("What is 17 * 3?", "It is 51.", "It is 41.", null);

    /** A judge that reads the answers: it prefers whichever slot holds "51", as a sound judge would. */
    private static ScriptedChatModel contentJudge() {
        return ScriptedChatModel.answering(r -> {
            String text = ScriptedChatModel.userText(r);
            int a = text.indexOf("[Start of assistant A's answer]");
            int b = text.indexOf("[Start of assistant B's answer]");
            String answerA = text.substring(a, b);
            return answerA.contains("51") ? "A is right. [[A]]" : "B is right. [[B]]";
        });
    }

    @Test
    void asksBothOrdersAndKeepsAVerdictThatSurvivesTheSwap() {
        var model = contentJudge();
        PairwiseJudge judge = PairwiseGradeJudge.builder(model).build();
        var v = assertInstanceOf(PairwiseVerdict.Decided.class, judge.compare(PAIR));
        assertEquals(Winner.FIRST, v.winner());
        assertEquals(Boolean.TRUE, v.swapConsistent());
        assertEquals(2, model.calls());
        String first = ScriptedChatModel.userText(model.requests().get(0));
        String second = ScriptedChatModel.userText(model.requests().get(1));
        assertTrue(first.indexOf("It is 51.") < first.indexOf("It is 41."), "first call shows the answers as given");
        assertTrue(second.indexOf("It is 41.") < second.indexOf("It is 51."), "second call shows them swapped");
        assertTrue(v.rationale().contains("consistent"), v.rationale());
    }

    @Test
    void theSecondAnswerWinsWhenBothOrdersPreferIt() {
        var v = PairwiseGradeJudge.builder(contentJudge()).build()
                .compare(new PairInput("What is 17 * 3?", "It is 41.", "It is 51.", null));
        assertEquals(Winner.SECOND, assertInstanceOf(PairwiseVerdict.Decided.class, v).winner());
        assertEquals(Boolean.TRUE, ((PairwiseVerdict.Decided) v).swapConsistent());
    }

    @Test
    void aJudgeThatAlwaysPicksTheFirstSlotGivesAnInconsistentTie() {
        var model = ScriptedChatModel.replying("Assistant A is better. [[A]]");
        var v = assertInstanceOf(PairwiseVerdict.Decided.class, PairwiseGradeJudge.builder(model).build().compare(PAIR));
        assertEquals(Winner.TIE, v.winner());
        assertEquals(Boolean.FALSE, v.swapConsistent());
        assertTrue(v.rationale().contains("inconsistent"), v.rationale());
    }

    @Test
    void tiesInBothOrdersAreAConsistentTie() {
        var v = PairwiseGradeJudge.builder(ScriptedChatModel.replying("[[C]]")).build().compare(PAIR);
        var d = assertInstanceOf(PairwiseVerdict.Decided.class, v);
        assertEquals(Winner.TIE, d.winner());
        assertEquals(Boolean.TRUE, d.swapConsistent());
    }

    @Test
    void withoutSwapOneOrderIsAskedAndConsistencyIsUnknown() {
        var model = ScriptedChatModel.replying("[[B]]");
        var v = assertInstanceOf(PairwiseVerdict.Decided.class, PairwiseGradeJudge.builder(model).swap(false).build().compare(PAIR));
        assertEquals(Winner.SECOND, v.winner());
        assertNull(v.swapConsistent());
        assertEquals(1, model.calls());
    }

    @Test
    void aFailureInEitherOrderIsAFailureNamingTheOrder() {
        var garbledSecond = ScriptedChatModel.sequence("[[A]]", "no idea");
        var v = assertInstanceOf(PairwiseVerdict.Failed.class,
                PairwiseGradeJudge.builder(garbledSecond).attempts(1).build().compare(PAIR));
        assertTrue(v.reason().startsWith("order (second, first)") && v.reason().contains("no verdict marker"), v.reason());
        assertEquals("no idea", v.rawOutput());

        var down = ScriptedChatModel.failing(new IllegalStateException("quota exceeded"));
        var f = assertInstanceOf(PairwiseVerdict.Failed.class, PairwiseGradeJudge.builder(down).attempts(1).build().compare(PAIR));
        assertTrue(f.reason().startsWith("order (first, second)") && f.reason().contains("quota exceeded"), f.reason());
    }

    @Test
    void theReferenceIsShownInBothOrders() {
        var model = ScriptedChatModel.replying("[[C]]");
        PairwiseGradeJudge.builder(model).build().compare(new PairInput("q", "x", "y", "REF-51"));
        assertEquals(2, model.calls());
        model.requests().forEach(r -> assertTrue(ScriptedChatModel.userText(r).contains("REF-51")));
    }

    @Test
    void positionSwapMapsTheSwappedWinnerBack() {
        assertEquals(Winner.SECOND, PositionSwap.mapBack(Winner.FIRST));
        assertEquals(Winner.FIRST, PositionSwap.mapBack(Winner.SECOND));
        assertEquals(Winner.TIE, PositionSwap.mapBack(Winner.TIE));
        // first order says FIRST; swapped order says SECOND (= the same answer): consistent FIRST.
        var d = PositionSwap.combine("j", decided(Winner.FIRST), decided(Winner.SECOND));
        assertEquals(Winner.FIRST, d.winner());
        assertTrue(d.swapConsistent());
        // first order FIRST, swapped order TIE: disagree, so a tie.
        var t = PositionSwap.combine("j", decided(Winner.FIRST), decided(Winner.TIE));
        assertEquals(Winner.TIE, t.winner());
        assertFalse(t.swapConsistent());
    }

    @Test
    void aThrowingInnerJudgeBecomesAFailure() {
        PairwiseJudge throwing = new PairwiseJudge() {
            @Override
            public String name() {
                return "bad-plugin";
            }

            @Override
            public PairwiseVerdict compare(PairInput input) {
                throw new NullPointerException("oops");
            }
        };
        var v = assertInstanceOf(PairwiseVerdict.Failed.class, new PositionSwap(throwing).compare(PAIR));
        assertTrue(v.reason().contains("oops"), v.reason());
    }

    @Test
    void swapConsistencyRateOverABatch() {
        List<PairwiseVerdict> batch = List.of(
                new PairwiseVerdict.Decided("j", Winner.FIRST, true, null),
                new PairwiseVerdict.Decided("j", Winner.TIE, false, null),
                new PairwiseVerdict.Decided("j", Winner.SECOND, true, null),
                new PairwiseVerdict.Decided("j", Winner.TIE, true, null),
                new PairwiseVerdict.Decided("j", Winner.FIRST, null, null),
                new PairwiseVerdict.Failed("j", "x", null));
        SwapConsistency s = SwapConsistency.of(batch);
        assertEquals(new SwapConsistency(6, 4, 3, 1), s);
        assertEquals(0.75, s.rate());
        assertTrue(Double.isNaN(SwapConsistency.of(List.of()).rate()));
    }

    @Test
    void swapConsistencyOfRealJudges() {
        List<PairInput> inputs = List.of(PAIR, new PairInput("q", "It is 41.", "It is 51.", null),
                new PairInput("q", "51", "41", null), new PairInput("q", "41", "51", null));
        var sound = PairwiseGradeJudge.builder(contentJudge()).build();
        var biased = PairwiseGradeJudge.builder(ScriptedChatModel.replying("[[A]]")).build();
        assertEquals(1.0, SwapConsistency.of(inputs.stream().map(sound::compare).toList()).rate());
        assertEquals(0.0, SwapConsistency.of(inputs.stream().map(biased::compare).toList()).rate());
    }

    private static PairwiseVerdict.Decided decided(Winner w) {
        return new PairwiseVerdict.Decided("j", w, null, null);
    }
}
