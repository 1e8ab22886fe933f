package dev.distillery.judges.llm;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.judges.Judges;
import dev.distillery.judges.ScriptedChatModel;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiAspectJudgeTest {
    private static final JudgeInput INPUT = new JudgeInput("Write a haiku about rain.", "Soft rain on tin roofs\n...", null);

    @Test
    void scoresTheMeanOfTheRatedAspectsAndKeepsEachRating() {
        var model = ScriptedChatModel.replying("""
                Instruction following
                Rating: 5
                Rationale: A haiku, as asked.

                Honesty
                Rating: N/A
                Rationale: Creative writing.

                Truthfulness
                Rating: 4
                Rationale: Nothing invented.

                Helpfulness
                Rating: 3
                Rationale: Plain.
                """);
        var graded = MultiAspectJudge.builder(model).build().grade(INPUT);
        var v = assertInstanceOf(Verdict.Scored.class, graded.verdict());
        assertEquals(4.0, v.score(), 1e-12, "mean of 5, 4, 3; N/A left out");
        assertTrue(v.rationale().startsWith("mean of instruction_following=5, honesty=N/A, truthfulness=4, helpfulness=3"), v.rationale());
        assertEquals(List.of(Aspect.values()), List.copyOf(graded.ratings().keySet()));
        assertTrue(graded.ratings().get(Aspect.HONESTY).notApplicable());
        String user = ScriptedChatModel.userText(model.requests().getFirst());
        for (Aspect a : Aspect.values()) assertTrue(user.contains(a.label() + ": " + a.guidance()), a.label());
    }

    @Test
    void onlyTheChosenAspectsAreAskedAndRequired() {
        var model = ScriptedChatModel.replying("{\"helpfulness\": {\"rating\": 2, \"rationale\": \"thin\"}}");
        var judge = MultiAspectJudge.builder(model).aspects(EnumSet.of(Aspect.HELPFULNESS)).build();
        assertEquals(2.0, assertInstanceOf(Verdict.Scored.class, judge.judge(INPUT)).score());
        assertTrue(!ScriptedChatModel.userText(model.requests().getFirst()).contains("Honesty:"));
    }

    @Test
    void applyWithAspectsStoresTheMeanAndEachRatedAspect() {
        var model = ScriptedChatModel.replying("""
                {"instruction_following": 5, "honesty": "N/A", "truthfulness": {"rating": 4, "rationale": "no errors"},
                 "helpfulness": 3}
                """).named("uf");
        var record = DataRecord.of(new Payload.PromptCompletion(new PlainText("Write a haiku."), new PlainText("Rain...")));
        var judged = MultiAspectJudge.builder(model).build().applyWithAspects(record);
        var scores = judged.record().scores();
        assertEquals(4.0, scores.get("multi-aspect:uf").value(), 1e-12);
        assertEquals(5.0, scores.get("multi-aspect:uf/instruction_following").value());
        assertEquals(new Score(4.0, "no errors"), scores.get("multi-aspect:uf/truthfulness"));
        assertEquals(3.0, scores.get("multi-aspect:uf/helpfulness").value());
        assertTrue(!scores.containsKey("multi-aspect:uf/honesty"), "N/A gets no score");

        var text = MultiAspectJudge.builder(model).build().applyWithAspects(DataRecord.of(new Payload.Text("x")));
        assertInstanceOf(Verdict.Failed.class, text.verdict());
        assertTrue(text.record().scores().isEmpty());
    }

    @Test
    void theProviderAcceptsAspectsAsAListOrCommaSeparated() {
        var model = ScriptedChatModel.replying("Honesty: 4\nHelpfulness: 2");
        for (Object aspects : List.of(List.of("honesty", "helpfulness"), "honesty, helpfulness")) {
            var judge = Judges.judge("multi-aspect", new JudgeConfig(Map.of("aspects", aspects), List.of(model), null, null));
            assertEquals(3.0, assertInstanceOf(Verdict.Scored.class, judge.judge(INPUT)).score(), String.valueOf(aspects));
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Judges.judge("multi-aspect",
                new JudgeConfig(Map.of("aspects", "helpfulness,kindness"), List.of(model), null, "judges.yaml")));
        assertTrue(e.getMessage().contains("judges.yaml") && e.getMessage().contains("unknown aspect 'kindness'"), e.getMessage());
    }

    @Test
    void aMissingAspectIsAFailureWithNoRatings() {
        var model = ScriptedChatModel.replying("Helpfulness\nRating: 4");
        var graded = MultiAspectJudge.builder(model).attempts(1).build().grade(INPUT);
        var f = assertInstanceOf(Verdict.Failed.class, graded.verdict());
        assertTrue(f.reason().contains("no section for"), f.reason());
        assertTrue(graded.ratings().isEmpty());
    }
}
