package dev.distillery.datasets.store;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;

import java.nio.file.Path;

/**
 * A single JSONL file (plain or gzip) as a record source; for files that are not part of a dataset directory, such as
 * an export from another tool.
 *
 * <pre>{@code
 * RecordSource src = new JsonlFile(Path.of("alpaca.jsonl"), alpacaDecoder);
 * }</pre>
 */
public record JsonlFile(Path path, RecordDecoder decoder) implements RecordSource {

    @Override
    public RecordIterator open() {
        return open(InvalidRecordHandler.FAIL, new ReadStats());
    }

    public RecordIterator open(InvalidRecordHandler onInvalid, ReadStats stats) {
        return new JsonlFileReader(path, decoder, onInvalid, stats, null);
    }

    @Override
    public String describe() {
        return path.toString();
    }
}
