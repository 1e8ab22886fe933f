package dev.distillery.datasets.store;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.InvalidRecordException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Lineage;
import dev.distillery.datasets.model.Payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetStoreTest {

    @TempDir
    Path tmp;

    private static List<DataRecord> sample(int n) {
        List<DataRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(DataRecord.of(new Payload.Text("record " + i)).withKind(i % 3 == 0 ? "instruction" : "text")
                    .withLineage(new Lineage(List.of(), "flow-" + (i % 2), null, List.of("teacher"), "tmpl", null)));
        }
        return out;
    }

    private static List<DataRecord> readAll(RecordIterator it) {
        List<DataRecord> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void writesShardsAndAManifestThatDescribesThem() {
        Path dir = tmp.resolve("ds");
        List<DataRecord> records = sample(250);
        try (DatasetWriter w = DatasetWriter.builder(dir).maxShardRecords(100).createdBy("test").open()) {
            records.forEach(w::write);
        }
        Manifest m = Manifest.read(dir);
        assertTrue(m.complete());
        assertEquals(250, m.records());
        assertEquals(List.of(100L, 100L, 50L), m.shards().stream().map(Manifest.Shard::records).toList());
        assertEquals("mixed", m.kind());
        assertEquals(84L, m.kinds().get("instruction"));
        assertEquals(125L, m.lineage().flows().get("flow-0"));
        assertEquals(250L, m.lineage().models().get("teacher"));
        assertEquals("test", m.createdBy());
        for (Manifest.Shard s : m.shards()) assertEquals(64, s.sha256().length());
        assertEquals(records, readAll(Dataset.open(dir).open()));
    }

    @Test
    void gzipShardsReadTransparently() throws Exception {
        Path dir = tmp.resolve("ds");
        List<DataRecord> records = sample(30);
        try (DatasetWriter w = DatasetWriter.builder(dir).open()) {
            records.forEach(w::write);
        }
        Path plain = dir.resolve("part-00000.jsonl");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("part-00000.jsonl.gz")))) {
            Files.copy(plain, out);
        }
        Files.delete(plain);
        Manifest m = Dataset.repair(dir, RecordDecoder.NATIVE);
        assertEquals("part-00000.jsonl.gz", m.shards().get(0).file());
        assertEquals(30, m.records());
        assertEquals(records, readAll(Dataset.open(dir).open()));

        // A single gzip file also reads, and a cut-off one yields the records before the cut.
        Path gz = dir.resolve("part-00000.jsonl.gz");
        assertEquals(records, readAll(new JsonlFile(gz, RecordDecoder.NATIVE).open()));
        byte[] bytes = Files.readAllBytes(gz);
        Path cut = tmp.resolve("cut.jsonl.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 40));
        ReadStats stats = new ReadStats();
        List<DataRecord> partial = readAll(new JsonlFile(cut, RecordDecoder.NATIVE).open(InvalidRecordHandler.FAIL, stats));
        assertTrue(partial.size() > 0 && partial.size() < 30, "got " + partial.size());
        assertEquals(records.subList(0, partial.size()), partial);
        assertTrue(stats.truncatedTails() >= 1);
    }

    @Test
    void aModifiedShardFailsItsHashCheck() throws Exception {
        Path dir = tmp.resolve("ds");
        try (DatasetWriter w = DatasetWriter.builder(dir).open()) {
            sample(5).forEach(w::write);
        }
        Path shard = dir.resolve("part-00000.jsonl");
        Files.writeString(shard, Files.readString(shard).replace("record 3", "record 9"));
        DatasetException e = assertThrows(DatasetException.class, () -> readAll(Dataset.open(dir).open()));
        assertTrue(e.getMessage().contains("part-00000.jsonl: content hash does not match"), e.getMessage());
        assertTrue(e.getMessage().contains("dataset repair"), e.getMessage());
    }

    @Test
    void createRefusesToOverwriteAndOverwriteClears() {
        Path dir = tmp.resolve("ds");
        try (DatasetWriter w = DatasetWriter.builder(dir).open()) {
            sample(5).forEach(w::write);
        }
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetWriter.builder(dir).open());
        assertTrue(e.getMessage().contains("already holds a dataset"), e.getMessage());
        try (DatasetWriter w = DatasetWriter.builder(dir).mode(DatasetWriter.WriteMode.OVERWRITE).open()) {
            sample(2).forEach(w::write);
        }
        assertEquals(2, Manifest.read(dir).records());
    }

    @Test
    void aDirectoryWithoutManifestIsNotADataset() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plain"));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(dir));
        assertTrue(e.getMessage().contains("not a dataset directory (no manifest.json)"), e.getMessage());
    }

    @Test
    void badLinesNameFileLineAndFieldOrGoToTheRejectsFile() throws Exception {
        Path file = tmp.resolve("in.jsonl");
        byte[] notUtf8 = {'{', '"', 'p', 'a', 'y', 'l', 'o', 'a', 'd', '"', ':', '{', '"', 't', 'y', 'p', 'e', '"', ':',
                '"', 't', 'e', 'x', 't', '"', ',', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"',
                '}', '}', '\n'};
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("{\"payload\":{\"type\":\"text\",\"text\":\"ok\"}}\n".getBytes());
            out.write("\n".getBytes());
            out.write("{\"payload\":{\"type\":\"text\",\"text\":42}}\n".getBytes());
            out.write("{\"payload\":{\"type\":\"chat\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}}\n".getBytes());
            out.write("not json at all\n".getBytes());
            out.write(notUtf8);
            out.write("{\"payload\":{\"type\":\"text\",\"text\":\"ok again\"}}\n".getBytes());
        }
        JsonlFile src = new JsonlFile(file, RecordDecoder.NATIVE);
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> readAll(src.open()));
        assertEquals(3, e.line(), "blank lines count in line numbers");
        assertTrue(e.getMessage().startsWith(file + ":3: field 'payload.text'"), e.getMessage());

        Path rejects = tmp.resolve("rejects.jsonl");
        ReadStats stats = new ReadStats();
        List<DataRecord> good;
        try (RejectsFile r = new RejectsFile(rejects)) {
            good = readAll(src.open(r, stats));
            assertEquals(4, r.count());
        }
        assertEquals(2, good.size());
        assertEquals(4, stats.rejected());
        List<String> lines = Files.readAllLines(rejects);
        assertTrue(lines.get(0).contains("\"line\":3"), lines.get(0));
        assertTrue(lines.get(1).contains("\"field\":\"payload.messages[0].role\""), lines.get(1));
        assertTrue(lines.get(1).contains("unknown role 'robot'"), lines.get(1));
        assertTrue(lines.get(2).contains("\"line\":5") && lines.get(2).contains("not valid JSON"), lines.get(2));
        assertTrue(lines.get(3).contains("\"line\":6") && lines.get(3).contains("not valid UTF-8"), lines.get(3));
    }
}
