package dev.distillery.judges.report;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.datasets.store.Dataset;
import dev.distillery.datasets.store.DatasetWriter;
import dev.distillery.judges.select.GroupKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JudgedItemReaderTest {

    private static DataRecord chat(String id, String prompt, String answer) {
        return new DataRecord(id, null, new Payload.Chat(Conversation.of(Message.user(prompt), Message.assistant(answer))),
                null, null, null);
    }

    private static DataRecord pair(String id, String chosen, String rejected) {
        return new DataRecord(id, null, new Payload.Preference(new PlainText("q " + id), new PlainText(chosen),
                new PlainText(rejected)), null, null, null);
    }

    @Test
    void scoredItemsTakeBothScoresAndGroupByPrompt() {
        List<DataRecord> records = List.of(
                chat("a", "What is 2+2?", "4").withScore("judge", Score.of(4)).withScore("human", Score.of(5)),
                chat("b", "What is 2+2?", "four").withScore("judge", Score.of(3)).withScore("human", Score.of(3)),
                chat("c", "Name a colour", "red").withScore("judge", Score.of(5)).withScore("human", Score.of(4))
                        .withScore("p", Score.of(0.9)));
        List<JudgedItem> items = JudgedItemReader.scored("judge", "human").build()
                .read(RecordSource.of(records.subList(0, 2)));
        assertEquals(2, items.size());
        assertEquals(4, items.get(0).judge());
        assertEquals(5, items.get(0).reference());
        assertEquals(items.get(0).group(), items.get(1).group(), "same prompt, same group");
        assertNull(items.get(0).pair());

        var e = assertThrows(DatasetException.class, () -> JudgedItemReader.scored("judge", "human").probability("p")
                .build().read(RecordSource.of(records)));
        assertTrue(e.getMessage().contains("record 1 (id a): field 'scores.p': missing; the record has scores "
                + "[judge, human]"), e.getMessage());
    }

    @Test
    void aMissingReferenceIsAnErrorNamingTheFileRecordAndField(@TempDir Path dir) {
        Path ds = dir.resolve("judged");
        try (DatasetWriter w = DatasetWriter.builder(ds).open()) {
            w.write(chat("ok", "q1", "a1").withScore("judge", Score.of(1)).withScore("human", Score.of(1)));
            w.write(chat("bad", "q2", "a2").withScore("judge", Score.of(0)));
        }
        var e = assertThrows(DatasetException.class,
                () -> JudgedItemReader.scored("judge", "human").build().read(Dataset.open(ds)));
        assertTrue(e.getMessage().startsWith(ds + ": record 2 (id bad): field 'scores.human': missing"), e.getMessage());
    }

    @Test
    void aMissingJudgeScoreIsUnjudgedOnlyWhenAllowed() {
        List<DataRecord> records = List.of(chat("x", "q", "a").withScore("human", Score.of(2)));
        var e = assertThrows(DatasetException.class,
                () -> JudgedItemReader.scored("judge", "human").build().read(RecordSource.of(records)));
        assertTrue(e.getMessage().contains("field 'scores.judge': missing"), e.getMessage());
        List<JudgedItem> items = JudgedItemReader.scored("judge", "human").allowUnjudged(true).build()
                .read(RecordSource.of(records));
        assertTrue(Double.isNaN(items.getFirst().judge()));
    }

    @Test
    void groupingByParentUsesTheLineage() {
        DataRecord r = chat("x", "q", "a").withScore("judge", Score.of(1)).withScore("human", Score.of(1))
                .withLineage(new Lineage(List.of("prompt-17"), "self-instruct", null, null, null, null));
        JudgedItem item = JudgedItemReader.scored("judge", "human").groupBy(GroupKey.PARENT).build()
                .read(RecordSource.of(List.of(r))).getFirst();
        assertEquals("parent:prompt-17", item.group());
    }

    /**
     * Preference records judged by a probability score: 0.8 means the judge prefers chosen. The reference is the
     * dataset's label (chosen). Each pair is shown chosen-first or rejected-first by a hash of its id; the
     * agreement does not depend on it, the preference values and lengths flip with it.
     */
    @Test
    void pairwiseItemsFromPreferenceRecords() {
        List<DataRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(pair("r" + i, "a long chosen answer " + "x".repeat(i), "short")
                    .withScore("pm", Score.of(i % 4 == 0 ? 0.3 : i % 4 == 1 ? 0.5 : 0.8))
                    .withScore("pm/swap", Score.of(i % 2)));
        }
        JudgedItemReader reader = JudgedItemReader.pairwise("pm").probability("pm").swapConsistency("pm/swap").build();
        List<JudgedItem> items = reader.read(RecordSource.of(records));
        int flipped = 0;
        for (int i = 0; i < items.size(); i++) {
            JudgedItem it = items.get(i);
            boolean rejectedFirst = JudgedItemReader.rejectedFirst("r" + i);
            if (rejectedFirst) flipped++;
            double chosenPref = i % 4 == 0 ? JudgedItem.SECOND : i % 4 == 1 ? JudgedItem.TIE : JudgedItem.FIRST;
            assertEquals(rejectedFirst ? 1 - chosenPref : chosenPref, it.judge(), "item " + i);
            assertEquals(rejectedFirst ? JudgedItem.SECOND : JudgedItem.FIRST, it.reference(), "item " + i);
            double p = i % 4 == 0 ? 0.3 : i % 4 == 1 ? 0.5 : 0.8;
            assertEquals(rejectedFirst ? 1 - p : p, it.probability(), 1e-12);
            int chosenLength = ("a long chosen answer " + "x".repeat(i)).length();
            assertEquals(rejectedFirst ? 5 : chosenLength, it.pair().firstLength());
            assertEquals(i % 2 == 1, it.pair().swapConsistent());
        }
        assertTrue(flipped > 3 && flipped < 17, "both orders occur: " + flipped + " of 20 flipped");

        // Agreement with the dataset label: 10 of 20 say chosen (i % 4 in {2, 3}); ties count as a class.
        ReportCard card = ReportCards.compute("pm", "dataset", items, ReportOptions.builder().resamples(0).build());
        assertEquals(0.5, card.estimate(Statistic.ACCURACY).orElseThrow().value(), 1e-12);
        // Without ties: 10 chosen against 5 rejected.
        assertEquals(10.0 / 15, card.estimate(Statistic.ACCURACY_WITHOUT_TIES).orElseThrow().value(), 1e-12);
        // Lengths differ by more than 30 when 21 + i - 5 > 30, i >= 15; of those the judge decides on 15, 16, 18, 19
        // and picks the longer (chosen) answer on all but 16: 3/4.
        assertEquals(3.0 / 4, card.estimate(Statistic.JUDGE_PREFERS_LONGER).orElseThrow().value(), 1e-12);
        assertEquals(0.5, card.estimate(Statistic.SWAP_CONSISTENCY).orElseThrow().value(), 1e-12);

        List<JudgedItem> stored = JudgedItemReader.pairwise("pm").storedOrder().build().read(RecordSource.of(records));
        assertTrue(stored.stream().allMatch(it -> it.reference() == JudgedItem.FIRST));
    }

    @Test
    void pairwiseAgainstAnotherJudgeAndAJury() {
        DataRecord r = pair("only", "c", "r").withScore("a", Score.of(1)).withScore("b", Score.of(0))
                .withScore("j1", Score.of(1)).withScore("j2", Score.of(0.5));
        JudgedItem it = JudgedItemReader.pairwise("a").reference("b").jury("j1", "j2", "j3").storedOrder().build()
                .read(RecordSource.of(List.of(r))).getFirst();
        assertEquals(JudgedItem.FIRST, it.judge());
        assertEquals(JudgedItem.SECOND, it.reference());
        assertEquals(List.of(1.0, 0.5, Double.NaN), it.jury());
    }

    @Test
    void badPairwiseRecordsAreNamed() {
        var notPair = assertThrows(DatasetException.class, () -> JudgedItemReader.pairwise("pm").build()
                .read(RecordSource.of(List.of(chat("c1", "q", "a").withScore("pm", Score.of(1))))));
        assertTrue(notPair.getMessage().contains("(id c1): field 'payload': pairwise report needs a 'preference' "
                + "payload"), notPair.getMessage());
        var outOfRange = assertThrows(DatasetException.class, () -> JudgedItemReader.pairwise("pm").build()
                .read(RecordSource.of(List.of(pair("p1", "c", "r").withScore("pm", Score.of(7))))));
        assertTrue(outOfRange.getMessage().contains("(id p1): field 'scores.pm': pairwise score 7.0 is outside [0, 1]"),
                outOfRange.getMessage());
        var badSwap = assertThrows(DatasetException.class, () -> JudgedItemReader.pairwise("pm").swapConsistency("s")
                .build().read(RecordSource.of(List.of(pair("p2", "c", "r").withScore("pm", Score.of(1))
                        .withScore("s", Score.of(0.5))))));
        assertTrue(badSwap.getMessage().contains("field 'scores.s': swap consistency must be 1"), badSwap.getMessage());
    }

    @Test
    void orderBitIsStable() {
        assertEquals(JudgedItemReader.rejectedFirst("abc"), JudgedItemReader.rejectedFirst("abc"));
        long flipped = java.util.stream.IntStream.range(0, 1000)
                .filter(i -> JudgedItemReader.rejectedFirst("id-" + i)).count();
        assertTrue(flipped > 430 && flipped < 570, "about half flip: " + flipped);
        assertNotEquals(0, flipped);
    }
}
