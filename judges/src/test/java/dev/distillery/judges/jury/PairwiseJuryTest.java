package dev.distillery.judges.jury;

import dev.distillery.judges.Judges;
import dev.distillery.judges.ScriptedChatModel;
import dev.distillery.judges.llm.PairwiseGradeJudge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;
import dev.distillery.judges.spi.PairwiseVerdict.Winner;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairwiseJuryTest {
    private static final PairInput PAIR = new PairInput("17 * 3?", "It is 51.", "It is 41.", null);

    /** One order only, so that each juror's verdict is exactly its scripted reply. */
    private static PairwiseJudge juror(String model, String reply) {
        return PairwiseGradeJudge.builder(ScriptedChatModel.replying(reply).named(model)).swap(false).attempts(1).build();
    }

    @Test
    void theMostFrequentWinnerIsTheVerdict() {
        var jury = PairwiseJury.builder().juror(juror("a", "[[A]]")).juror(juror("b", "[[B]]")).juror(juror("c", "[[A]]")).build();
        var d = jury.deliberate(PAIR);
        var v = assertInstanceOf(PairwiseVerdict.Decided.class, d.verdict());
        assertEquals(Winner.FIRST, v.winner());
        assertNull(v.swapConsistent());
        assertEquals(2.0 / 3, d.agreement(), 1e-12);
        assertTrue(v.rationale().startsWith("majority FIRST of 3 decided jurors"), v.rationale());
        assertEquals("pairwise-jury:pairwise:a+pairwise:b+pairwise:c", v.judge());
    }

    @Test
    void aSplitVoteIsATie() {
        var jury = PairwiseJury.builder().juror(juror("a", "[[A]]")).juror(juror("b", "[[B]]")).juror(juror("c", "[[C]]")).build();
        var d = jury.deliberate(PAIR);
        var v = assertInstanceOf(PairwiseVerdict.Decided.class, d.verdict());
        assertEquals(Winner.TIE, v.winner());
        assertEquals(1.0 / 3, d.agreement(), 1e-12);
        assertTrue(v.rationale().startsWith("split vote"), v.rationale());
    }

    @Test
    void failedJurorsLoseTheirVoteAndTooFewDecisionsFail() {
        var jury = PairwiseJury.builder().juror(juror("a", "[[B]]")).juror(juror("b", "garbage")).juror(juror("c", "[[B]]")).build();
        assertEquals(Winner.SECOND, assertInstanceOf(PairwiseVerdict.Decided.class, jury.compare(PAIR)).winner());
        var lonely = PairwiseJury.builder().juror(juror("a", "[[B]]")).juror(juror("b", "?")).juror(juror("c", "?")).build();
        var f = assertInstanceOf(PairwiseVerdict.Failed.class, lonely.compare(PAIR));
        assertTrue(f.reason().startsWith("1 of 3 jurors decided, fewer than the quorum of 2"), f.reason());
    }

    @Test
    void theProviderBuildsSwappedPairwiseJurorsFromTheModels() {
        var config = new JudgeConfig(Map.of("juror-settings", Map.of("attempts", 1)),
                List.of(ScriptedChatModel.replying("[[A]]").named("biased"), ScriptedChatModel.replying("[[C]]").named("tie"),
                        ScriptedChatModel.replying("[[C]]").named("tie2")), null, null);
        var jury = assertInstanceOf(PairwiseJury.class, Judges.pairwise("pairwise-jury", config));
        var d = jury.deliberate(PAIR);
        // The biased juror's verdict flips under the swap, so it is a tie; with the two tie jurors, a unanimous tie.
        assertEquals(Winner.TIE, ((PairwiseVerdict.Decided) d.verdict()).winner());
        assertEquals(1.0, d.agreement());
        assertTrue(((PairwiseVerdict.Decided) d.votes().getFirst()).swapConsistent() == Boolean.FALSE);
    }
}
