package dev.distillery.datasets.store;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;

import java.nio.file.Path;

/** Run in a child JVM by {@link DatasetCrashSafetyTest}: writes records until it is killed. */
public final class CrashingWriterMain {

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        // Small shards and a flush per record make the kill land inside a shard, a rotation or a line.
        DatasetWriter w = DatasetWriter.builder(dir).maxShardRecords(700).flushEvery(1)
                .mode(DatasetWriter.WriteMode.APPEND).open();
        String filler = "x".repeat(3000);
        for (long i = w.recordsWritten(); ; i++) { // continue numbering after the recovered records
            w.write(DataRecord.of(new Payload.Text("record " + i + " " + filler)).withId("r" + i));
        }
    }
}
