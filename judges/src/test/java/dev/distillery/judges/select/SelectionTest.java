package dev.distillery.judges.select;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SelectionTest {

    /** A prompt-completion candidate with id {@code id}, answering {@code prompt}, scored {@code rm} (null: none). */
    static DataRecord candidate(String id, String prompt, Double rm) {
        DataRecord r = new DataRecord(id, null, new Payload.PromptCompletion(new PlainText(prompt),
                new PlainText("answer " + id)), null, null, null);
        return rm == null ? r : r.withScore("rm", Score.of(rm));
    }

    private static List<String> ids(List<DataRecord> records) {
        return records.stream().map(DataRecord::id).toList();
    }

    @Test
    void thresholdKeepsInOrderAndCountsMissingScores() {
        List<DataRecord> in = List.of(candidate("a", "p", 5.0), candidate("b", "p", 2.0), candidate("c", "p", null),
                candidate("d", "q", 3.0), candidate("e", "q", 2.999));
        List<DataRecord> kept = new ArrayList<>();
        List<DataRecord> dropped = new ArrayList<>();
        SelectionReport r = Selection.atLeast("rm", 3).apply(RecordSource.of(in), RecordSink.into(kept),
                RecordSink.into(dropped));
        assertEquals(List.of("a", "d"), ids(kept));
        assertEquals(List.of("b", "c", "e"), ids(dropped));
        assertEquals(new SelectionReport(5, 2, 2, 1, 3), r);

        List<DataRecord> band = new ArrayList<>();
        new Selection.Threshold("rm", 2, 3).apply(RecordSource.of(in), RecordSink.into(band), RecordSink.discard());
        assertEquals(List.of("b", "d", "e"), ids(band));
    }

    /**
     * Prompt p: a1 = 5, a2 = 4, a3 = 4, a4 = 1, a5 without score; prompt q: b1 = 2. With k = 2 prompt p keeps a1
     * and, of the two 4s, a2 (smaller id); q keeps its only candidate.
     */
    @Test
    void topKPerPromptBreaksTiesById() {
        List<DataRecord> in = List.of(candidate("a3", "p", 4.0), candidate("b1", "q", 2.0), candidate("a1", "p", 5.0),
                candidate("a5", "p", null), candidate("a2", "p", 4.0), candidate("a4", "p", 1.0));
        List<DataRecord> kept = new ArrayList<>();
        SelectionReport r = Selection.topK("rm", 2).apply(RecordSource.of(in), RecordSink.into(kept),
                RecordSink.discard());
        assertEquals(List.of("b1", "a1", "a2"), ids(kept), "input order kept");
        assertEquals(3, r.kept());
        assertEquals(2, r.dropped());
        assertEquals(1, r.missingScore());
        assertEquals(2, r.cutoff());
    }

    @Test
    void topKGroupedByRecordKeepsEverythingScored() {
        List<DataRecord> in = List.of(candidate("a", "p", 1.0), candidate("b", "p", 2.0), candidate("c", "p", null));
        SelectionReport r = new Selection.TopK("rm", 1, GroupKey.RECORD).apply(RecordSource.of(in),
                RecordSink.discard(), RecordSink.discard());
        assertEquals(2, r.kept());
        assertEquals(1, r.missingScore());
    }

    /** Scores 1..10, keep 0.3: ceil(3) = the 10, 9 and 8; the cutoff is 8. */
    @Test
    void quantileKeepsTheTopFraction() {
        List<DataRecord> in = new ArrayList<>();
        for (int i = 1; i <= 10; i++) in.add(candidate("r" + (char) ('a' + i), "p" + i, (double) i));
        in.add(candidate("none", "p", null));
        List<DataRecord> kept = new ArrayList<>();
        SelectionReport r = Selection.topFraction("rm", 0.3).apply(RecordSource.of(in), RecordSink.into(kept),
                RecordSink.discard());
        assertEquals(List.of("ri", "rj", "rk"), ids(kept));
        assertEquals(new SelectionReport(11, 3, 7, 1, 8), r);
    }

    /** Scores (1, 2, 2, 2, 3), keep 0.4: ceil(2) records, the 3 and the first-by-id of the 2s. */
    @Test
    void quantileBreaksTiesById() {
        List<DataRecord> in = List.of(candidate("e", "p", 1.0), candidate("d", "p", 2.0), candidate("b", "p", 2.0),
                candidate("c", "p", 2.0), candidate("a", "p", 3.0));
        List<DataRecord> kept = new ArrayList<>();
        Selection.topFraction("rm", 0.4).apply(RecordSource.of(in), RecordSink.into(kept), RecordSink.discard());
        assertEquals(List.of("b", "a"), ids(kept));
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Selection.topK("rm", 0));
        assertThrows(IllegalArgumentException.class, () -> Selection.topFraction("rm", 0));
        assertThrows(IllegalArgumentException.class, () -> Selection.topFraction("rm", 1.5));
        assertThrows(IllegalArgumentException.class, () -> new Selection.Threshold("rm", 3, 2));
    }
}
