package dev.distillery.orchestrator.run;

import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.datasets.model.SourceFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedDifferenceTest {

    @TempDir
    Path tmp;

    /** Eval answers to items 0..n-1 (in the order given), item i in group "g{i % 2}", correct where {@code ok} says. */
    private Path answers(String name, List<Integer> order, IntPredicate ok) throws IOException {
        List<DataRecord> records = new ArrayList<>();
        for (int i : order) {
            records.add(DataRecord.of(new Payload.PromptCompletion(new PlainText("q" + i), new PlainText("a")))
                    .withLineage(new Lineage(List.of("item-" + i), null, "eval", List.of(), null, null))
                    .withScore(EvalRunner.SCORE, Score.of(ok.test(i) ? 1 : 0))
                    .withSource(new SourceFields("eval", Json.object().put("skill", "g" + (i % 2)))));
        }
        // The layout of a stage's records.jsonl: one native record per line.
        Path file = tmp.resolve(name + ".jsonl");
        java.nio.file.Files.write(file, records.stream()
                .map(r -> new String(RecordCodec.encode(r), java.nio.charset.StandardCharsets.UTF_8)).toList());
        return file;
    }

    @Test
    void theDifferenceIsPairedByItemAndItsIntervalCoversIt() throws IOException {
        List<Integer> forward = new ArrayList<>(), backward = new ArrayList<>();
        for (int i = 0; i < 200; i++) forward.add(i);
        for (int i = 199; i >= 0; i--) backward.add(i);
        // a is right on every item, b on the items divisible by 4: half of group g0, none of g1.
        Path a = answers("a", forward, i -> true);
        Path b = answers("b", backward, i -> i % 4 == 0);
        Map<String, double[]> d = PairedDifference.estimate(a, b, EvalRunner.SCORE, "skill", 1);
        assertEquals(0.5, d.get("g0")[0], 1e-12);
        assertEquals(1.0, d.get("g1")[0], 1e-12);
        assertEquals(0.75, d.get("all")[0], 1e-12);
        assertEquals(200, (int) d.get("all")[3]);
        double[] g0 = d.get("g0");
        assertTrue(g0[1] < 0.5 && 0.5 < g0[2] && g0[1] > 0.3 && g0[2] < 0.7, "g0 interval " + g0[1] + ".." + g0[2]);
        // g1 differs on every item by exactly 1: no resample can say otherwise.
        assertEquals(1.0, d.get("g1")[1], 1e-12);
        assertEquals(1.0, d.get("g1")[2], 1e-12);

        // A model against itself: difference 0 with a zero-width interval, whatever the item order.
        Map<String, double[]> same = PairedDifference.estimate(b, answers("b2", forward, i -> i % 4 == 0),
                EvalRunner.SCORE, "skill", 1);
        assertEquals(0, same.get("all")[0], 1e-12);
        assertEquals(0, same.get("all")[1], 1e-12);
        assertEquals(0, same.get("all")[2], 1e-12);
    }

    @Test
    void itemsOnlyOneSideAnsweredAreLeftOut() throws IOException {
        Path a = answers("a", List.of(0, 1, 2, 3), i -> true);
        Path b = answers("b", List.of(2, 3, 4, 5), i -> false);
        Map<String, double[]> d = PairedDifference.estimate(a, b, EvalRunner.SCORE, null, 1);
        assertEquals(2, (int) d.get("all")[3]);
        assertEquals(1.0, d.get("all")[0], 1e-12);
    }
}
