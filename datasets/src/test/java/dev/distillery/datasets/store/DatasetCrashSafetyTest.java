package dev.distillery.datasets.store;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetCrashSafetyTest {

    @TempDir
    Path tmp;

    private static List<DataRecord> readAll(Dataset ds, ReadStats stats) {
        List<DataRecord> out = new ArrayList<>();
        try (RecordIterator it = ds.open(InvalidRecordHandler.FAIL, stats)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void aWriterKilledWithSigkillLeavesAReadableRepairableDataset() throws Exception {
        Path dir = tmp.resolve("ds");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int round = 0; round < 2; round++) {
            Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                    CrashingWriterMain.class.getName(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
            // Let it write a few shards' worth, then kill it without warning.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (bytesIn(dir) < (round + 1) * 6_000_000L && System.nanoTime() < deadline) Thread.sleep(20);
            p.destroyForcibly().waitFor();
            assertTrue(bytesIn(dir) > 0, "child wrote nothing: " + Files.readString(tmp.resolve("child.log")));

            // Readable as it is: every delivered record is whole, none twice.
            ReadStats stats = new ReadStats();
            List<DataRecord> records = readAll(Dataset.open(dir), stats);
            assertFalse(Manifest.read(dir).complete(), "a killed writer cannot have completed the manifest");
            Set<String> ids = new HashSet<>();
            for (DataRecord r : records) {
                assertTrue(ids.add(r.id()), "duplicate " + r.id());
                assertTrue(((Payload.Text) r.payload()).text().endsWith("x".repeat(3000)), "partial record " + r.id());
            }
            // Records are consecutive from r0: nothing before the kill point is missing.
            for (int i = 0; i < records.size(); i++) assertEquals("r" + i, records.get(i).id());

            // Repair makes the manifest match the files exactly, and a second read agrees.
            Manifest repaired = Dataset.repair(dir, RecordDecoder.NATIVE);
            assertTrue(repaired.complete());
            assertEquals(records.size(), repaired.records());
            ReadStats after = new ReadStats();
            assertEquals(records.size(), readAll(Dataset.open(dir), after).size());
            assertEquals(0, after.truncatedTails(), "repair removed the partial tail");
        }
    }

    private static long bytesIn(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        long total = 0;
        for (File f : dir.toFile().listFiles()) total += f.length();
        return total;
    }

    @Test
    void appendAfterACrashRepairsThePartialLineAndContinues() throws Exception {
        Path dir = tmp.resolve("ds");
        DatasetWriter w = DatasetWriter.builder(dir).open();
        for (int i = 0; i < 10; i++) w.write(DataRecord.of(new Payload.Text("t" + i)));
        w.flush();
        // Simulate a kill in the middle of the 11th line: no close, half a record on disk.
        Path shard = dir.resolve("part-00000.jsonl");
        Files.write(shard, "{\"id\":\"half\",\"payload\":{\"type\":\"te".getBytes(), StandardOpenOption.APPEND);

        ReadStats stats = new ReadStats();
        assertEquals(10, readAll(Dataset.open(dir), stats).size());
        assertEquals(1, stats.truncatedTails());

        try (DatasetWriter again = DatasetWriter.builder(dir).mode(DatasetWriter.WriteMode.APPEND).open()) {
            assertEquals(10, again.recordsWritten());
            again.write(DataRecord.of(new Payload.Text("after")));
        }
        Manifest m = Manifest.read(dir);
        assertTrue(m.complete());
        assertEquals(11, m.records());
        assertEquals(2, m.shards().size(), "appending continues in a new shard; finished shards stay as they are");
        assertEquals(11, readAll(Dataset.open(dir), new ReadStats()).size());
        assertTrue(Files.readString(shard).endsWith("}\n"), "partial line cut off");
    }

    @Test
    void aCompleteLastRecordThatOnlyLostItsNewlineIsKept() throws Exception {
        Path dir = tmp.resolve("ds");
        DatasetWriter w = DatasetWriter.builder(dir).open();
        w.write(DataRecord.of(new Payload.Text("a")));
        w.flush();
        Path shard = dir.resolve("part-00000.jsonl");
        Files.write(shard, "{\"payload\":{\"type\":\"text\",\"text\":\"b\"}}".getBytes(), StandardOpenOption.APPEND);
        assertEquals(2, readAll(Dataset.open(dir), new ReadStats()).size());
        Manifest m = Dataset.repair(dir, RecordDecoder.NATIVE);
        assertEquals(2, m.records());
        assertTrue(Files.readString(shard).endsWith("}\n"));
    }
}
