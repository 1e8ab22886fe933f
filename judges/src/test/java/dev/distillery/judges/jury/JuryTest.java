package dev.distillery.judges.jury;

import dev.distillery.judges.Judges;
import dev.distillery.judges.ScriptedChatModel;
import dev.distillery.judges.llm.SingleGradeJudge;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JuryTest {
    private static final JudgeInput INPUT = new JudgeInput("Name a prime above 10.", "11", null);

    private static Judge grader(String model, String reply) {
        return SingleGradeJudge.builder(ScriptedChatModel.replying(reply).named(model)).attempts(1).build();
    }

    private static Jury jury(Aggregation aggregation, String... ratings) {
        Jury.Builder b = Jury.builder().aggregation(aggregation);
        for (int i = 0; i < ratings.length; i++) b.juror(grader("m" + i, ratings[i]));
        return b.build();
    }

    @Test
    void meanAggregatesScoresAndCountsJurorsWithinTheToleranceAsAgreeing() {
        JuryDecision d = jury(Aggregation.MEAN, "Rating: [[8]]", "Rating: [[6]]", "Rating: [[4]]").deliberate(INPUT);
        var v = assertInstanceOf(Verdict.Scored.class, d.verdict());
        assertEquals(6.0, v.score(), 1e-12);
        assertEquals(1.0 / 3, d.agreement(), 1e-12, "only 6 is within 1.0 of the mean 6");
        assertEquals(3, d.votes().size());
        assertTrue(v.rationale().contains("single-grade:m0=8") && v.rationale().contains("single-grade:m2=4"), v.rationale());
        assertTrue(v.judge().startsWith("jury-mean:single-grade:m0+"), v.judge());
    }

    @Test
    void medianResistsAnOutlier() {
        JuryDecision d = jury(Aggregation.MEDIAN, "[[8]]", "[[7]]", "[[1]]").deliberate(INPUT);
        assertEquals(7.0, assertInstanceOf(Verdict.Scored.class, d.verdict()).score());
        assertEquals(2.0 / 3, d.agreement(), 1e-12);
        assertEquals(7.5, Jury.median(new double[]{8, 7, 1, 9}));
    }

    @Test
    void majorityTakesTheMostFrequentScoreAndFailsOnATie() {
        JuryDecision d = jury(Aggregation.MAJORITY, "[[7]]", "[[3]]", "[[7]]").deliberate(INPUT);
        assertEquals(7.0, assertInstanceOf(Verdict.Scored.class, d.verdict()).score());
        assertEquals(2.0 / 3, d.agreement(), 1e-12);

        JuryDecision tie = jury(Aggregation.MAJORITY, "[[7]]", "[[3]]").deliberate(INPUT);
        var f = assertInstanceOf(Verdict.Failed.class, tie.verdict());
        assertTrue(f.reason().startsWith("no majority"), f.reason());
        assertTrue(Double.isNaN(tie.agreement()));
    }

    @Test
    void failedJurorsAreLeftOutAndBelowQuorumTheJuryFails() {
        JuryDecision d = jury(Aggregation.MEAN, "[[9]]", "no verdict", "[[7]]").deliberate(INPUT);
        assertEquals(8.0, assertInstanceOf(Verdict.Scored.class, d.verdict()).score());
        assertInstanceOf(Verdict.Failed.class, d.votes().get(1));
        assertTrue(((Verdict.Scored) d.verdict()).rationale().contains("single-grade:m1=failed(unparseable verdict"));

        JuryDecision lonely = jury(Aggregation.MEAN, "[[9]]", "nothing", "nothing").deliberate(INPUT);
        var f = assertInstanceOf(Verdict.Failed.class, lonely.verdict());
        assertTrue(f.reason().startsWith("1 of 3 jurors gave a score, fewer than the quorum of 2"), f.reason());
    }

    @Test
    void aThrowingJurorCostsItsVoteNotTheJury() {
        Judge throwing = new Judge() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Verdict judge(JudgeInput input) {
                throw new IllegalStateException("plugin bug");
            }
        };
        Jury j = Jury.builder().juror(grader("a", "[[6]]")).juror(throwing).juror(grader("b", "[[8]]")).build();
        JuryDecision d = j.deliberate(INPUT);
        assertEquals(7.0, assertInstanceOf(Verdict.Scored.class, d.verdict()).score());
        assertTrue(assertInstanceOf(Verdict.Failed.class, d.votes().get(1)).reason().contains("plugin bug"));
    }

    @Test
    void jurorsAreAskedConcurrently() throws Exception {
        // Each juror waits until all three have been called; asked one after another they would time out.
        var latch = new java.util.concurrent.CountDownLatch(3);
        ScriptedChatModel waiting = ScriptedChatModel.answering(r -> {
            latch.countDown();
            try {
                return latch.await(5, java.util.concurrent.TimeUnit.SECONDS) ? "[[5]]" : "timed out";
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Jury j = Jury.builder().jurors(List.of(
                SingleGradeJudge.builder(waiting).attempts(1).build(),
                SingleGradeJudge.builder(waiting).attempts(1).build(),
                SingleGradeJudge.builder(waiting).attempts(1).build())).build();
        assertEquals(5.0, assertInstanceOf(Verdict.Scored.class, j.judge(INPUT)).score());
    }

    @Test
    void theProviderBuildsOneJurorPerModelWithTheJurorSettings() {
        var config = new JudgeConfig(Map.of("aggregation", "median", "juror", "rubric",
                "juror-settings", Map.of("rubric", "reasoning", "attempts", 1)),
                List.of(ScriptedChatModel.replying("[RESULT] 5").named("a"), ScriptedChatModel.replying("[RESULT] 3").named("b"),
                        ScriptedChatModel.replying("[RESULT] 4").named("c")), null, "judges.yaml");
        Jury j = assertInstanceOf(Jury.class, Judges.judge("jury", config));
        assertEquals(List.of("rubric-reasoning:a", "rubric-reasoning:b", "rubric-reasoning:c"), j.jurors().stream().map(Judge::name).toList());
        assertEquals(4.0, assertInstanceOf(Verdict.Scored.class, j.judge(INPUT)).score());
    }

    @Test
    void theProviderRejectsBadSettingsNamingThem() {
        var models = List.<dev.langchain4j.model.chat.ChatModel>of(ScriptedChatModel.replying("[[5]]"));
        var agg = assertThrows(IllegalArgumentException.class,
                () -> Judges.judge("jury", new JudgeConfig(Map.of("aggregation", "mode"), models, null, "judges.yaml")));
        assertTrue(agg.getMessage().contains("judges.yaml") && agg.getMessage().contains("'aggregation' must be one of [mean, median, majority]"),
                agg.getMessage());
        var self = assertThrows(IllegalArgumentException.class,
                () -> Judges.judge("jury", new JudgeConfig(Map.of("juror", "jury"), models, null, null)));
        assertTrue(self.getMessage().contains("cannot be 'jury'"), self.getMessage());
        var none = assertThrows(IllegalArgumentException.class,
                () -> Judges.judge("jury", new JudgeConfig(Map.of(), List.of(), null, null)));
        assertTrue(none.getMessage().contains("one chat model per juror"), none.getMessage());
        var quorum = assertThrows(IllegalArgumentException.class,
                () -> Judges.judge("jury", new JudgeConfig(Map.of("quorum", 3), models, null, null)));
        assertTrue(quorum.getMessage().contains("quorum must be between 1 and the number of jurors (1)"), quorum.getMessage());
    }
}
