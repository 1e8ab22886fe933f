package dev.distillery.datasets.json;

import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.datasets.model.SourceFields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordCodecTest {

    private static DataRecord roundTrip(DataRecord r) {
        byte[] b = RecordCodec.encode(r);
        return RecordCodec.decode(b, 0, b.length);
    }

    @Test
    void everyPayloadShapeSurvivesARoundTrip() {
        var src = Json.object().put("prompt_id", "abc");
        List<DataRecord> all = List.of(
                DataRecord.of(new Payload.Text("The sky is blue.")),
                DataRecord.of(new Payload.Chat(Conversation.of(Message.system("be brief"), Message.user("2+2?"),
                        Message.assistant("4")))),
                DataRecord.of(new Payload.PromptCompletion(new PlainText("The sky is"), new PlainText(" blue."))),
                DataRecord.of(new Payload.Preference(Conversation.of(Message.user("color?")),
                        Conversation.of(Message.assistant("blue")), Conversation.of(Message.assistant("green")))),
                DataRecord.of(new Payload.Tokens(new int[]{1, 2, 3}, new int[]{-100, 2, 3})),
                DataRecord.of(new Payload.TokenPreference(new int[]{1}, new int[]{2, 3}, new int[]{4}))
                        .withLineage(new Lineage(List.of("p1"), "self-instruct", "generate", List.of("gpt-x"), "h1", "doc-7"))
                        .withScore("judge", new Score(7.5, "clear"))
                        .withSource(new SourceFields("trl-dpo", src)));
        for (DataRecord r : all) {
            assertEquals(r, roundTrip(r), () -> new String(RecordCodec.encode(r), StandardCharsets.UTF_8));
        }
    }

    @Test
    void contentKeepsPlainAndConversationalFormsApart() {
        var r = DataRecord.of(new Payload.PromptCompletion(new PlainText("a"), Conversation.of(Message.assistant("b"))));
        String json = new String(RecordCodec.encode(r), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"prompt\":\"a\""), json);
        assertTrue(json.contains("\"completion\":[{\"role\":\"assistant\",\"content\":\"b\"}]"), json);
    }

    @Test
    void identicalPayloadsShareAContentId() {
        var a = DataRecord.of(new Payload.Text("x"));
        var b = DataRecord.of(new Payload.Text("x"));
        var c = DataRecord.of(new Payload.Text("y"));
        assertEquals(a.id(), b.id());
        assertEquals(24, a.id().length());
        assertTrue(!a.id().equals(c.id()));
    }

    @Test
    void badValuesNameTheirField() {
        byte[] bad = "{\"payload\":{\"type\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"bot\",\"content\":\"b\"}]}}"
                .getBytes(StandardCharsets.UTF_8);
        FieldException e = assertThrows(FieldException.class, () -> RecordCodec.decode(bad, 0, bad.length));
        assertEquals("payload.messages[1].role", e.field());
        assertTrue(e.problem().contains("unknown role 'bot'"), e.problem());

        byte[] unknownType = "{\"payload\":{\"type\":\"video\"}}".getBytes(StandardCharsets.UTF_8);
        e = assertThrows(FieldException.class, () -> RecordCodec.decode(unknownType, 0, unknownType.length));
        assertTrue(e.problem().contains("unknown type 'video'"), e.problem());

        byte[] notJson = "{\"payload\": ".getBytes(StandardCharsets.UTF_8);
        e = assertThrows(FieldException.class, () -> RecordCodec.decode(notJson, 0, notJson.length));
        assertTrue(e.problem().startsWith("not valid JSON"), e.problem());

        byte[] lengths = "{\"payload\":{\"type\":\"tokens\",\"input_ids\":[1,2],\"labels\":[1]}}".getBytes(StandardCharsets.UTF_8);
        e = assertThrows(FieldException.class, () -> RecordCodec.decode(lengths, 0, lengths.length));
        assertTrue(e.problem().contains("same length"), e.problem());
    }
}
