package dev.distillery.datasets.clean;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.distillery.datasets.clean.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetStatsTest {

    @Test
    void percentilesAndHistogramsOnAKnownSet() {
        List<DataRecord> in = new ArrayList<>();
        String[] texts = {"a", "ab", "abc", "abcd", "abcde"};
        double[] scores = {0, 2.5, 5, 7.5, 10};
        for (int i = 0; i < 5; i++) {
            in.add(text("r" + i, texts[i]).withScore("quality", Score.of(scores[i])));
        }
        DatasetStats.Stats s = DatasetStats.compute(RecordSource.of(in));
        assertEquals(5, s.records());
        assertEquals(new DatasetStats.Lengths(5, 3, 1, 1.2, 2, 3, 4, 4.8, 5), s.chars());
        assertEquals(1.0, s.words().p50());
        DatasetStats.ScoreStats q = s.scores().get("quality");
        assertEquals(5, q.count());
        assertEquals(5.0, q.mean());
        assertEquals(0.0, q.min());
        assertEquals(10.0, q.max());
        assertEquals(10, q.histogram().size());
        long[] counts = q.histogram().stream().mapToLong(DatasetStats.Bin::count).toArray();
        assertEquals(List.of(1L, 0L, 1L, 0L, 0L, 1L, 0L, 1L, 0L, 1L), java.util.Arrays.stream(counts).boxed().toList());
        assertEquals(new DatasetStats.Bin(2, 3, 1), q.histogram().get(2));
        assertNull(s.preference());
        assertNull(s.tokens());
    }

    @Test
    void distinctNAndShapeSpecificSections() {
        List<DataRecord> in = List.of(
                text("t", "a b a b"),
                DataRecord.of(new Payload.Chat(Conversation.of(Message.system("s"), Message.user("u"),
                        Message.assistant("x")))),
                DataRecord.of(new Payload.Preference(new PlainText("q"), new PlainText("one two three"),
                        new PlainText("one"))),
                DataRecord.of(new Payload.Tokens(new int[]{1, 2, 3, 4}, new int[]{-100, -100, 3, 4})));
        DatasetStats.Stats s = DatasetStats.compute(RecordSource.of(in));
        assertEquals(Map.of("chat", 1L, "preference", 1L, "text", 1L, "tokens", 1L), s.byPayloadType());
        // Unigrams: a b a b | s u x | q one two three one = 4 + 3 + 5 = 12 total, distinct a b s u x q one two three.
        assertEquals(new DatasetStats.Distinct(9, 12, 9.0 / 12, false), s.distinct1());
        // Bigrams: ab ba ab | su ux | q-one one-two two-three three-one = 3 + 2 + 4 = 9, one repeat.
        assertEquals(new DatasetStats.Distinct(8, 9, 8.0 / 9, false), s.distinct2());
        assertEquals(3.0, s.chatTurns().p50());
        assertEquals(3.0, s.preference().chosenWords().p50());
        assertEquals(1.0, s.preference().rejectedWords().p50());
        assertEquals(4.0, s.tokens().length().p100());
        assertEquals(0.5, s.tokens().ignoredFraction());
        assertEquals(3, s.chars().count()); // the token payload has no text and is left out of text lengths

        JsonNode json = Json.tree(s);
        assertEquals(4, json.get("records").asInt());
        assertEquals(0.5, json.at("/tokens/ignoredFraction").asDouble());
        assertFalse(json.has("scores") && json.get("scores").size() > 0);
        String table = s.render();
        assertTrue(table.contains("p50") && table.contains("distinct-2: 0.8889"), table);
    }

    @Test
    void distinctCountIsEstimatedPastTheCap() {
        DistinctCounter c = new DistinctCounter(1000);
        for (long i = 0; i < 100_000; i++) {
            c.add(Hashing.fmix64(i));
            c.add(Hashing.fmix64(i)); // repeats must not count
        }
        assertTrue(c.estimated());
        assertEquals(100_000, c.estimate(), 10_000);
        DistinctCounter exact = new DistinctCounter(1000);
        for (long i = 0; i < 1000; i++) {
            exact.add(Hashing.fmix64(i));
        }
        assertFalse(exact.estimated());
        assertEquals(1000, exact.estimate());
    }
}
