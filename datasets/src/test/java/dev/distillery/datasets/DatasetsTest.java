package dev.distillery.datasets;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.store.DatasetWriter;
import dev.distillery.datasets.store.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {

    @TempDir
    Path tmp;

    private static DataRecord chat(int i) {
        return DataRecord.of(new Payload.Chat(Conversation.of(Message.user("q" + i), Message.assistant("a" + i))));
    }

    @Test
    void anOutputIsPublishedOnlyOnCommit() {
        Path file = tmp.resolve("out.jsonl");
        try (Datasets.Output out = Datasets.output(file, "trl-messages", Datasets.WriteOptions.defaults())) {
            out.write(chat(1));
        }
        assertFalse(Files.exists(file), "uncommitted single file is not published");
        assertFalse(Files.exists(tmp.resolve("out.jsonl.partial")), "and leaves no partial file");

        Path dir = tmp.resolve("ds");
        try (Datasets.Output out = Datasets.output(dir, "distillery", Datasets.WriteOptions.defaults())) {
            out.write(chat(1));
        }
        assertFalse(Manifest.read(dir).complete(), "uncommitted dataset stays marked incomplete");

        try (Datasets.Output out = Datasets.output(file, "trl-messages", Datasets.WriteOptions.defaults())) {
            out.write(chat(1));
            out.write(chat(2));
            out.commit();
        }
        assertEquals(2, readAll(Datasets.input(file, null)).size());
    }

    @Test
    void formatsAreDetectedAndReadBackFromFilesAndDirectories() {
        Path file = tmp.resolve("sharegpt.jsonl.gz");
        try (Datasets.Output out = Datasets.output(file, "sharegpt", Datasets.WriteOptions.defaults())) {
            for (int i = 0; i < 5; i++) out.write(chat(i));
            out.commit();
        }
        Datasets.Input in = Datasets.input(file, null);
        assertEquals("sharegpt", in.format().name());
        List<DataRecord> back = readAll(in);
        assertEquals(5, back.size());
        assertEquals(chat(3).payload(), back.get(3).payload());

        Path dir = tmp.resolve("alpaca-ds");
        try (Datasets.Output out = Datasets.output(dir, "alpaca", Datasets.WriteOptions.defaults())) {
            back.forEach(out::write);
            out.commit();
        }
        assertEquals("alpaca", Manifest.read(dir).format());
        assertEquals(back.stream().map(DataRecord::payload).toList(),
                readAll(Datasets.input(dir, null)).stream().map(DataRecord::payload).toList());
    }

    @Test
    void appendingToASingleFileIsRefused() {
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.output(tmp.resolve("x.jsonl"),
                "trl-messages", Datasets.WriteOptions.defaults().withMode(DatasetWriter.WriteMode.APPEND)));
        assertTrue(e.getMessage().contains("dataset directories only"), e.getMessage());
    }

    private static List<DataRecord> readAll(Datasets.Input in) {
        List<DataRecord> out = new ArrayList<>();
        try (RecordIterator it = in.open()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
