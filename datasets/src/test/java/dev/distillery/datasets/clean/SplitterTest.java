package dev.distillery.datasets.clean;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Score;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.distillery.datasets.clean.Fixtures.ids;
import static dev.distillery.datasets.clean.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitterTest {

    private static List<DataRecord> records(int n) {
        List<DataRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(text("r" + i, "record " + i));
        }
        return out;
    }

    private static Map<String, List<DataRecord>> split(Splitter s, List<DataRecord> in) {
        Map<String, List<DataRecord>> lists = new LinkedHashMap<>();
        Map<String, RecordSink> sinks = new LinkedHashMap<>();
        for (String name : List.of("train", "validation", "test")) {
            lists.put(name, new ArrayList<>());
            sinks.put(name, RecordSink.into(lists.get(name)));
        }
        s.run(RecordSource.of(in), sinks);
        return lists;
    }

    @Test
    void exactCountsDisjointAndComplete() {
        List<DataRecord> in = records(1000);
        Map<String, List<DataRecord>> out = split(Splitter.builder().ratios(0.8, 0.1, 0.1).seed(1).build(), in);
        assertEquals(800, out.get("train").size());
        assertEquals(100, out.get("validation").size());
        assertEquals(100, out.get("test").size());
        Set<String> all = new HashSet<>();
        out.values().forEach(l -> all.addAll(ids(l)));
        assertEquals(new HashSet<>(ids(in)), all);
        // Records keep their input order inside each split.
        List<String> train = ids(out.get("train"));
        List<String> sorted = new ArrayList<>(train);
        sorted.sort((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))));
        assertEquals(sorted, train);
    }

    @Test
    void largestRemainderRounding() {
        assertArrayEquals(new int[]{91, 5, 5}, Splitter.counts(101, new double[]{0.9, 0.05, 0.05}));
        assertArrayEquals(new int[]{1, 1, 1}, Splitter.counts(3, new double[]{0.34, 0.33, 0.33}));
        assertArrayEquals(new int[]{2, 0, 0}, Splitter.counts(2, new double[]{0.9, 0.05, 0.05}));
        assertArrayEquals(new int[]{0, 0, 0}, Splitter.counts(0, new double[]{0.9, 0.05, 0.05}));
    }

    @Test
    void sameSeedSameAssignmentOtherSeedOther() {
        List<DataRecord> in = records(500);
        Splitter a = Splitter.builder().ratios(0.9, 0.05, 0.05).seed(11).build();
        assertEquals(split(a, in), split(Splitter.builder().ratios(0.9, 0.05, 0.05).seed(11).build(), in));
        assertNotEquals(ids(split(a, in).get("test")),
                ids(split(Splitter.builder().ratios(0.9, 0.05, 0.05).seed(12).build(), in).get("test")));
    }

    @Test
    void stratificationKeepsProportionsPerStratum() {
        List<DataRecord> in = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            DataRecord r = text("r" + i, "record " + i);
            // 700 self-instruct, 200 evol, 100 without a flow.
            String flow = i % 10 < 7 ? "self-instruct" : i % 10 < 9 ? "evol" : null;
            if (flow != null) {
                r = r.withLineage(new Lineage(null, flow, null, null, null, null));
            }
            in.add(r);
        }
        Splitter s = Splitter.builder().ratios(0.8, 0.1, 0.1).seed(3).stratifyBy("lineage.flow").build();
        Map<String, RecordSink> sinks = Map.of("train", RecordSink.discard(), "validation", RecordSink.discard(),
                "test", RecordSink.discard());
        SplitReport r = s.run(RecordSource.of(in), sinks);
        assertEquals(Map.of("train", 560L, "validation", 70L, "test", 70L), r.byStratum().get("self-instruct"));
        assertEquals(Map.of("train", 160L, "validation", 20L, "test", 20L), r.byStratum().get("evol"));
        assertEquals(Map.of("train", 80L, "validation", 10L, "test", 10L), r.byStratum().get(Splitter.MISSING));
        assertEquals(Map.of("train", 800L, "validation", 100L, "test", 100L), r.counts());
        Map<String, List<DataRecord>> out = split(s, in);
        long evolInTest = out.get("test").stream().filter(d -> "evol".equals(d.lineage().flow())).count();
        assertEquals(20, evolInTest);
    }

    @Test
    void stratumPathsReachScoresAndKind() {
        DataRecord r = text("x", "t").withScore("judge", Score.of(4)).withKind("sft");
        assertEquals("4.0", Splitter.builder().ratios(1).stratifyBy("scores.judge.value").build().stratumOf(r));
        assertEquals("sft", Splitter.builder().ratios(1).stratifyBy("kind").build().stratumOf(r));
        assertEquals(Splitter.MISSING, Splitter.builder().ratios(1).stratifyBy("source.fields.category").build()
                .stratumOf(r));
    }

    @Test
    void badRatiosNameTheSum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Splitter.builder().ratios(0.8, 0.05, 0.05));
        assertTrue(e.getMessage().contains("sum to 0.9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Splitter.builder().ratios(0.5, 0.5).names("a", "b", "c")
                .build());
        IllegalArgumentException sink = assertThrows(IllegalArgumentException.class,
                () -> Splitter.builder().ratios(0.5, 0.5).build().run(RecordSource.of(records(2)),
                        Map.of("train", RecordSink.discard())));
        assertTrue(sink.getMessage().contains("'test'"), sink.getMessage());
    }
}
