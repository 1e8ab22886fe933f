package dev.distillery.datasets.clean;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.distillery.datasets.clean.Fixtures.ids;
import static dev.distillery.datasets.clean.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ExactDedupTest {

    @Test
    void pretokenizedRecordsAreComparedByTheirIds() {
        List<DataRecord> in = List.of(
                DataRecord.of(new Payload.Tokens(new int[]{1, 2, 3}, new int[]{-100, 2, 3})).withId("a"),
                DataRecord.of(new Payload.Tokens(new int[]{1, 2, 4}, new int[]{-100, 2, 4})).withId("b"),
                DataRecord.of(new Payload.Tokens(new int[]{1, 2, 3}, new int[]{-100, 2, 3})).withId("c"),
                DataRecord.of(new Payload.Tokens(new int[]{1, 2, 3}, new int[]{-100, -100, 3})).withId("d"));
        List<DataRecord> kept = new ArrayList<>();
        DedupReport r = ExactDedup.builder().build().run(RecordSource.of(in), RecordSink.into(kept), RecordSink.discard());
        assertEquals(List.of("a", "b", "d"), ids(kept), "only the exact repeat of a's ids and labels goes");
        assertEquals(1, r.removed());
    }

    @Test
    void removesCopiesThatDifferOnlyInCaseWhitespaceAndPunctuation() {
        List<DataRecord> in = List.of(
                text("a", "What is the capital of France?"),
                text("b", "what is the capital of france"),
                text("c", "  WHAT   is the capital\nof France ?!"),
                text("d", "What is the capital of Spain?"),
                text("e", "What, is the capital of France..."));
        List<DataRecord> kept = new ArrayList<>();
        List<DataRecord> removed = new ArrayList<>();
        DedupReport r = ExactDedup.builder().build().run(RecordSource.of(in), RecordSink.into(kept),
                RecordSink.into(removed));
        assertEquals(List.of("a", "d"), ids(kept));
        assertEquals(List.of("b", "c", "e"), ids(removed));
        assertEquals(new DedupReport(5, 2, 3, List.of(
                new DedupReport.Duplicate("b", "a", 1.0),
                new DedupReport.Duplicate("c", "a", 1.0),
                new DedupReport.Duplicate("e", "a", 1.0))), r);
    }

    @Test
    void promptKeyIgnoresAnswers() {
        List<DataRecord> in = List.of(
                chat("1", "Name a prime.", "2"),
                chat("2", "name a PRIME", "3"),
                chat("3", "Name a square.", "4"));
        DedupReport prompt = ExactDedup.builder().key(DedupKey.PROMPT).build()
                .run(RecordSource.of(in), RecordSink.discard(), RecordSink.discard());
        DedupReport full = ExactDedup.builder().key(DedupKey.FULL).build()
                .run(RecordSource.of(in), RecordSink.discard(), RecordSink.discard());
        assertEquals(1, prompt.removed());
        assertEquals(0, full.removed());
    }

    @Test
    void examplesAreBoundedButCountsAreNot() {
        List<DataRecord> in = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            in.add(text("r" + i, "document number " + (i % 1000)));
        }
        DedupReport r = ExactDedup.builder().maxExamples(3).batchSize(100).build()
                .run(RecordSource.of(in), RecordSink.discard(), RecordSink.discard());
        assertEquals(5000, r.read());
        assertEquals(1000, r.kept());
        assertEquals(4000, r.removed());
        assertEquals(List.of(new DedupReport.Duplicate("r1000", "r0", 1.0),
                new DedupReport.Duplicate("r1001", "r1", 1.0),
                new DedupReport.Duplicate("r1002", "r2", 1.0)), r.examples());
    }

    @Test
    void keyIs128BitsOfTheNormalForm() {
        long[] a = ExactDedup.keyOf("Hello, World");
        long[] b = ExactDedup.keyOf("hello world");
        long[] c = ExactDedup.keyOf("hello worle");
        assertEquals(a[0], b[0]);
        assertEquals(a[1], b[1]);
        org.junit.jupiter.api.Assertions.assertNotEquals(a[0], c[0]);
        org.junit.jupiter.api.Assertions.assertNotEquals(a[1], c[1]);
    }

    private static DataRecord chat(String id, String user, String assistant) {
        return DataRecord.of(new Payload.Chat(Conversation.of(Message.user(user), Message.assistant(assistant))))
                .withId(id);
    }
}
