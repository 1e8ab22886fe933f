package dev.distillery.judges.select;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.datasets.model.SourceFields;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.distillery.judges.select.SelectionTest.candidate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairBuilderTest {

    private static List<DataRecord> run(PairBuilder b, List<DataRecord> in, PairReport[] report) {
        List<DataRecord> out = new ArrayList<>();
        report[0] = b.run(RecordSource.of(in), RecordSink.into(out));
        return out;
    }

    private static DataRecord chat(String id, String prompt, String answer, double rm, String model) {
        return new DataRecord(id, null, new Payload.Chat(Conversation.of(Message.system("be brief"),
                Message.user(prompt), Message.assistant(answer))),
                new Lineage(List.of("prompt-" + prompt), "gen", null, List.of(model), null, null), null, null)
                .withScore("rm", Score.of(rm));
    }

    /**
     * Prompt "p" has four chat answers scored 8, 3, 5, 3. Best vs worst takes the 8 (c1) and, of the two 3s, the
     * smaller id (c2): margin 5.
     */
    @Test
    void bestVsWorstBuildsAPreferenceRecordThatSaysWhy() {
        List<DataRecord> in = List.of(chat("c1", "p", "great", 8, "teacher"), chat("c4", "p", "meh", 3, "student"),
                chat("c3", "p", "ok", 5, "teacher"), chat("c2", "p", "bad", 3, "student"));
        PairReport[] rep = new PairReport[1];
        List<DataRecord> pairs = run(PairBuilder.builder(PairStrategy.bestVsWorst("rm")).build(), in, rep);
        assertEquals(1, pairs.size());
        DataRecord pair = pairs.getFirst();
        Payload.Preference p = (Payload.Preference) pair.payload();
        assertEquals(Conversation.of(Message.system("be brief"), Message.user("p")), p.prompt());
        assertEquals(Conversation.of(Message.assistant("great")), p.chosen());
        assertEquals(Conversation.of(Message.assistant("bad")), p.rejected());
        assertEquals("preference", pair.kind());
        assertEquals(List.of("c1", "c2"), pair.lineage().parentIds());
        assertEquals(PairBuilder.FLOW, pair.lineage().flow());
        assertEquals("best-vs-worst", pair.lineage().step());
        assertEquals(List.of("teacher", "student"), pair.lineage().modelIds());
        Score why = pair.scores().get(PairBuilder.PAIR_SCORE);
        assertEquals(5, why.value());
        assertEquals("best-vs-worst by 'rm' among 4 candidates: chosen c1 (8), rejected c2 (3), margin 5 (minimum 0)",
                why.rationale());
        assertEquals(8, pair.scores().get("rm/chosen").value());
        assertEquals(3, pair.scores().get("rm/rejected").value());
        assertEquals(new PairReport(4, 1, 1, java.util.Map.of(), java.util.Map.of()), rep[0]);

        // Deterministic: the same input in another order gives the same pair with the same id.
        List<DataRecord> again = run(PairBuilder.builder(PairStrategy.bestVsWorst("rm")).build(),
                List.of(in.get(3), in.get(2), in.get(1), in.get(0)), rep);
        assertEquals(pair, again.getFirst());
        assertEquals(24, pair.id().length());
        // The record survives a JSON round trip (the format datasets are written in).
        assertEquals(pair, Json.MAPPER.convertValue(Json.tree(pair), DataRecord.class));
    }

    @Test
    void singleCandidatesTiesAndMissingScoresAreCountedSkips() {
        List<DataRecord> in = List.of(
                candidate("s1", "single", 4.0),
                candidate("t1", "ties", 2.0), candidate("t2", "ties", 2.0), candidate("t3", "ties", 2.0),
                candidate("m1", "missing", 9.0), candidate("m2", "missing", null),
                new DataRecord("x1", null, new Payload.Text("no answer"), null, null, null),
                candidate("ok1", "fine", 1.0), candidate("ok2", "fine", 2.0));
        PairReport[] rep = new PairReport[1];
        List<DataRecord> pairs = run(PairBuilder.builder(PairStrategy.bestVsWorst("rm")).build(), in, rep);
        assertEquals(1, pairs.size());
        assertEquals(List.of("ok2", "ok1"), pairs.getFirst().lineage().parentIds());
        PairReport r = rep[0];
        assertEquals(9, r.candidates());
        assertEquals(5, r.groups());
        assertEquals(1, r.skippedCandidates(PairReport.Skip.MISSING_SCORE));
        assertEquals(1, r.skippedCandidates(PairReport.Skip.NO_ANSWER));
        // "single", "missing" (one scored candidate left) and the text record's own group.
        assertEquals(3, r.skippedGroups(PairReport.Skip.SINGLE_CANDIDATE));
        assertEquals(1, r.skippedGroups(PairReport.Skip.TIE));

        // Keeping ties pairs the first two by id, with margin 0.
        List<DataRecord> tied = run(PairBuilder.builder(PairStrategy.bestVsWorst("rm")).dropTies(false).build(),
                in.subList(1, 4), rep);
        assertEquals(List.of("t1", "t2"), tied.getFirst().lineage().parentIds());
        assertEquals(0, tied.getFirst().scores().get(PairBuilder.PAIR_SCORE).value());
    }

    @Test
    void minimumMargin() {
        List<DataRecord> in = List.of(candidate("a", "p", 5.0), candidate("b", "p", 3.0),
                candidate("c", "q", 9.0), candidate("d", "q", 1.0));
        PairReport[] rep = new PairReport[1];
        List<DataRecord> pairs = run(PairBuilder.builder(PairStrategy.bestVsWorst("rm")).minMargin(3).build(), in, rep);
        assertEquals(1, pairs.size());
        assertEquals(List.of("c", "d"), pairs.getFirst().lineage().parentIds());
        assertEquals(1, rep[0].skippedGroups(PairReport.Skip.BELOW_MARGIN));
    }

    /**
     * Scores 9 (a), 5 (b), 4 (c), 3 (d), 9 (e): the best is a (9, smaller id than e); the rejected one is drawn among
     * b, c, d, never e, which ties with the best. With minimum margin 5 only c (margin 5) and d (6) qualify.
     */
    @Test
    void bestVsRandomLowerDrawsAmongStrictlyLowerCandidatesReproducibly() {
        Set<String> seen = new HashSet<>();
        Set<String> seenWithMargin = new HashSet<>();
        for (int g = 0; g < 60; g++) {
            String prompt = "prompt " + g;
            List<DataRecord> in = List.of(candidate(g + "a", prompt, 9.0), candidate(g + "b", prompt, 5.0),
                    candidate(g + "c", prompt, 4.0), candidate(g + "d", prompt, 3.0), candidate(g + "e", prompt, 9.0));
            PairReport[] rep = new PairReport[1];
            PairBuilder builder = PairBuilder.builder(PairStrategy.bestVsRandomLower("rm")).seed(7).build();
            DataRecord pair = run(builder, in, rep).getFirst();
            assertEquals(g + "a", pair.lineage().parentIds().get(0));
            String rejected = pair.lineage().parentIds().get(1);
            seen.add(rejected.substring(rejected.length() - 1));
            assertEquals(pair, run(builder, in, rep).getFirst(), "same seed, same draw");
            assertEquals("best-vs-random-lower", pair.lineage().step());

            DataRecord strict = run(PairBuilder.builder(PairStrategy.bestVsRandomLower("rm")).minMargin(5).seed(7)
                    .build(), in, rep).getFirst();
            String r2 = strict.lineage().parentIds().get(1);
            seenWithMargin.add(r2.substring(r2.length() - 1));
        }
        assertEquals(Set.of("b", "c", "d"), seen, "every lower candidate gets drawn, the tied best never");
        assertEquals(Set.of("c", "d"), seenWithMargin);

        // All tied: nothing is lower.
        PairReport[] rep = new PairReport[1];
        run(PairBuilder.builder(PairStrategy.bestVsRandomLower("rm")).build(),
                List.of(candidate("x", "p", 1.0), candidate("y", "p", 1.0)), rep);
        assertEquals(1, rep[0].skippedGroups(PairReport.Skip.TIE));
    }

    @Test
    void bestVsRandomLowerDependsOnTheSeed() {
        List<DataRecord> in = new ArrayList<>();
        for (int g = 0; g < 40; g++) {
            for (int c = 0; c < 6; c++) in.add(candidate(g + "-" + c, "p" + g, (double) (c == 0 ? 10 : c)));
        }
        PairReport[] rep = new PairReport[1];
        List<String> one = run(PairBuilder.builder(PairStrategy.bestVsRandomLower("rm")).seed(1).build(), in, rep)
                .stream().map(DataRecord::id).toList();
        List<String> two = run(PairBuilder.builder(PairStrategy.bestVsRandomLower("rm")).seed(2).build(), in, rep)
                .stream().map(DataRecord::id).toList();
        assertEquals(40, one.size());
        assertNotEquals(one, two);
    }

    private static DataRecord verified(String id, String prompt, double pass, Double rm) {
        DataRecord r = candidate(id, prompt, rm).withScore("exact", Score.of(pass));
        return r;
    }

    @Test
    void verifierPassVsFail() {
        List<DataRecord> in = List.of(verified("f1", "p", 0, 9.0), verified("p1", "p", 1, 2.0),
                verified("f2", "p", 0, 7.0), verified("p2", "p", 1, 8.0),
                verified("allpass1", "q", 1, null), verified("allpass2", "q", 1, null),
                verified("allfail1", "r", 0, null), verified("allfail2", "r", 0, null));
        PairReport[] rep = new PairReport[1];
        List<DataRecord> pairs = run(PairBuilder.builder(PairStrategy.verifierPassVsFail("exact")).build(), in, rep);
        assertEquals(1, pairs.size());
        assertEquals(List.of("p1", "f1"), pairs.getFirst().lineage().parentIds(), "input order");
        assertEquals(1, pairs.getFirst().scores().get(PairBuilder.PAIR_SCORE).value());
        assertEquals(1, rep[0].skippedGroups(PairReport.Skip.NO_FAILING));
        assertEquals(1, rep[0].skippedGroups(PairReport.Skip.NO_PASSING));

        // Ranked by the reward model: the best correct answer against the most convincing wrong one.
        List<DataRecord> ranked = run(PairBuilder.builder(
                new PairStrategy.VerifierPassVsFail("exact", 1, null).rankedBy("rm")).build(), in.subList(0, 4), rep);
        assertEquals(List.of("p2", "f1"), ranked.getFirst().lineage().parentIds());
    }

    @Test
    void teacherVsStudentByLineageOrField() {
        List<DataRecord> in = List.of(chat("s", "p", "small answer", 6, "qwen-0.5b"),
                chat("t", "p", "big answer", 7, "gpt-4o"), chat("o", "p", "other", 9, "llama"),
                chat("t2", "q", "only teacher", 7, "gpt-4o"), chat("o2", "q", "other", 1, "llama"));
        PairReport[] rep = new PairReport[1];
        List<DataRecord> pairs = run(PairBuilder.builder(PairStrategy.teacherVsStudent("gpt-4o", "qwen-0.5b"))
                .groupBy(GroupKey.PARENT).build(), in, rep);
        assertEquals(1, pairs.size());
        DataRecord pair = pairs.getFirst();
        assertEquals(List.of("t", "s"), pair.lineage().parentIds());
        assertEquals("teacher-vs-student: chosen t from gpt-4o, rejected s from qwen-0.5b",
                pair.scores().get(PairBuilder.PAIR_SCORE).rationale());
        assertEquals(1, rep[0].skippedGroups(PairReport.Skip.NO_STUDENT));

        // With a score, a student that beats the teacher is below the (zero) minimum margin.
        var scored = new PairStrategy.TeacherVsStudent("llama", "gpt-4o", null, null).withScore("rm");
        run(PairBuilder.builder(scored).build(), in.subList(0, 3), rep);
        assertEquals(0, rep[0].skippedGroups(PairReport.Skip.BELOW_MARGIN), "llama 9 beats gpt-4o 7");
        run(PairBuilder.builder(scored).build(), in.subList(3, 5), rep);
        assertEquals(1, rep[0].skippedGroups(PairReport.Skip.BELOW_MARGIN), "llama 1 loses to gpt-4o 7");

        // By an imported field instead of the lineage.
        ObjectNode teacherRow = Json.object().put("model", "gpt-4o");
        ObjectNode studentRow = Json.object().put("model", "qwen");
        List<DataRecord> imported = List.of(candidate("i1", "p", null).withSource(new SourceFields("sharegpt", studentRow)),
                candidate("i2", "p", null).withSource(new SourceFields("sharegpt", teacherRow)));
        List<DataRecord> byField = run(PairBuilder.builder(
                new PairStrategy.TeacherVsStudent("gpt-4o", "qwen", null, null).byField("model")).build(), imported, rep);
        assertEquals(List.of("i2", "i1"), byField.getFirst().lineage().parentIds());
        assertEquals(new PlainText("p"), ((Payload.Preference) byField.getFirst().payload()).prompt());
    }

    @Test
    void groupingByParentRefusesPairsAcrossDifferentPrompts() {
        DataRecord a = candidate("a", "prompt one", 5.0).withLineage(new Lineage(List.of("seed"), null, null, null, null, null));
        DataRecord b = candidate("b", "prompt two", 1.0).withLineage(new Lineage(List.of("seed"), null, null, null, null, null));
        PairReport[] rep = new PairReport[1];
        List<DataRecord> pairs = run(PairBuilder.builder(PairStrategy.bestVsWorst("rm")).groupBy(GroupKey.PARENT)
                .build(), List.of(a, b), rep);
        assertTrue(pairs.isEmpty());
        assertEquals(1, rep[0].skippedGroups(PairReport.Skip.DIFFERENT_PROMPTS));
    }
}
