package dev.distillery.orchestrator.judging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;
import dev.distillery.orchestrator.store.RunDirectory;
import dev.distillery.orchestrator.store.Secrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of the judges overview the sandbox run of {@code JudgesApiTest} does not reach, on hand-written stage
 * records: a label that came with the data as the reference, a continuous score's bins, a filter's bounds as the pass
 * rule, a pairwise judge against the dataset's own preference, and a bounded read.
 */
class JudgeOverviewsTest {

    @TempDir
    Path tmp;

    private static final String SPEC = """
            name: overview
            models:
              grader: {provider: sandbox}
            stages:
              - {name: seeds, kind: source, path: seeds.jsonl}
              - {name: graded, kind: judge, inputs: [seeds], judge: single-grade, models: {judge: grader}}
              - {name: keep, kind: filter, inputs: [graded], score: "single-grade:m", min: 5}
              - {name: pairs, kind: source, path: pairs.jsonl}
              - {name: compared, kind: judge, inputs: [pairs], judge: pairwise, models: {judge: grader}}
            """;

    private void write(RunDirectory dir, String stage, List<DataRecord> records) throws Exception {
        Path d = dir.stageDir(stage);
        Files.createDirectories(d);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DataRecord r : records) {
            out.write(RecordCodec.encode(r));
            out.write('\n');
        }
        Files.write(d.resolve("records.jsonl"), out.toByteArray());
    }

    private static DataRecord answer(int i) {
        return DataRecord.of(new Payload.PromptCompletion(new PlainText("question " + (i % 10)), new PlainText("answer " + i)));
    }

    @Test
    void labelsContinuousScoresFilterBoundsPairwiseAndLimits() throws Exception {
        RunDirectory dir = RunDirectory.at(tmp.resolve("run"), Secrets.of(Map.of())).create();
        PipelineSpec spec = PipelineSpecs.parse(SPEC, "overview.yaml", SpecCatalog.offline());
        // 30 answers with a human label 1-5; the grader gives a float near twice the label, except on answer 7 (a failure).
        List<DataRecord> seeds = new ArrayList<>();
        List<DataRecord> graded = new ArrayList<>();
        List<Double> grades = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            DataRecord r = answer(i).withScore("human", new Score(1 + i % 5, "label"));
            seeds.add(r);
            if (i == 7) {
                graded.add(r);
                continue;
            }
            double g = 2 * (1 + i % 5) + (i % 7) / 10.0 + i / 1000.0; // 2 to 10.6, every value distinct, tracking the label
            grades.add(g);
            graded.add(r.withScore("single-grade:m", new Score(g, "grade")));
        }
        write(dir, "seeds", seeds);
        write(dir, "graded", graded);
        Files.writeString(dir.stageDir("graded").resolve("judge-failures.jsonl"),
                "{\"id\": \"x\", \"reason\": \"no [[rating]] in the reply\", \"raw\": \"fine\"}\n");
        // 12 preference pairs; the judge prefers chosen on 8, rejected on 3, a tie on 1.
        List<DataRecord> pairs = new ArrayList<>();
        double[] verdicts = {1, 1, 1, 0, 1, 1, 0.5, 1, 0, 1, 0, 1};
        for (int i = 0; i < verdicts.length; i++) {
            pairs.add(DataRecord.of(new Payload.Preference(new PlainText("pick " + i), new PlainText("good " + i),
                    new PlainText("bad " + i))).withScore("pairwise:m", new Score(verdicts[i], "verdict")));
        }
        write(dir, "pairs", pairs);
        write(dir, "compared", pairs);

        JudgeOverview o = JudgeOverviews.builder(dir, spec).resamples(100).build()
                .compute("r1", Map.of("graded", "SUCCEEDED"));
        assertEquals(2, o.stages().size());
        JudgeOverview.Stage g = o.stages().get(0);
        assertEquals("judge", g.judgeKind());
        assertEquals("SUCCEEDED", g.status());
        assertEquals(30, g.records());
        assertEquals(1, g.failed());
        assertEquals(List.of(new JudgeOverview.Reason("no [[rating]] in the reply", 1)), g.failureReasons());
        assertEquals(1, g.scores().size(), "the label came with the data: not this stage's score");
        JudgeOverview.ScoreSummary s = g.scores().get(0);
        assertEquals(29, s.scored());
        assertEquals(1, s.missing());
        assertEquals(ScoreHistogram.BINS, s.histogram().kind(), "more distinct values than bars: binned");
        assertEquals(20, s.histogram().bars().size());
        assertEquals(29, s.histogram().bars().stream().mapToLong(ScoreHistogram.Bar::count).sum());
        double max = grades.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertEquals(max, s.histogram().bars().getLast().upper(), 0);
        assertTrue(s.histogram().bars().getLast().count() >= 1, "the largest value falls in the last bar");
        assertEquals(grades.stream().filter(v -> v >= 5).count(), s.passed());
        assertEquals("filter stage 'keep' keeps 5 <= value", s.passRule());

        assertEquals(1, g.reportCards().size());
        JsonNode card = g.reportCards().getFirst();
        assertEquals("single-grade:m", card.get("judge").asText());
        assertEquals("human", card.get("reference").asText());
        assertEquals("graded", card.get("stage").asText());
        assertEquals(30, card.get("items").asInt());
        assertEquals(1, card.get("unjudged").asInt());
        assertTrue(card.at("/statistics/spearman/value").asDouble() > 0.5, card.toString());
        assertTrue(card.at("/statistics/accuracy").isMissingNode(), "continuous grades get no accuracy");
        assertEquals(10, card.at("/bootstrap/groups").asInt(), "resampled by prompt: 10 questions");

        JudgeOverview.Stage p = o.stages().get(1);
        assertEquals("pairwise", p.judgeKind());
        assertNull(p.status(), "no status: not started as far as the store knows");
        JsonNode pc = p.reportCards().getFirst();
        assertEquals(JudgeOverviews.DATASET_PREFERENCE, pc.get("reference").asText());
        assertEquals("pairwise", pc.get("kind").asText());
        assertEquals(8.0 / 12, pc.at("/statistics/accuracy/value").asDouble(), 1e-12, "agrees with chosen 8 times");
        assertEquals(ScoreHistogram.COUNTS, p.scores().getFirst().histogram().kind());
        assertEquals(List.of(3L, 1L, 8L), p.scores().getFirst().histogram().bars().stream()
                .map(ScoreHistogram.Bar::count).toList());
        assertNull(p.scores().getFirst().passed(), "no filter uses it and it is not 0/1: no pass/fail");

        JudgeOverview capped = JudgeOverviews.builder(dir, spec).limit(10).resamples(0).build().compute("r1", Map.of());
        assertEquals(10, capped.stages().getFirst().records());
        assertTrue(capped.stages().getFirst().truncated());
        assertEquals(10, capped.stages().getFirst().scores().getFirst().scored()
                + capped.stages().getFirst().scores().getFirst().missing());
    }
}
