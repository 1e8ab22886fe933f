package dev.distillery.datasets.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.json.Json;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

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

    /**
     * The first {@code n} lines that are JSON objects, for format detection; lines that are not are left for the
     * real read to report with their line numbers.
     */
    public static List<ObjectNode> sampleRows(Path path, int n) {
        List<ObjectNode> rows = new ArrayList<>();
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            in.mark(2);
            boolean gz = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            try (LineReader lines = new LineReader(gz ? new GZIPInputStream(in) : in)) {
                while (rows.size() < n && lines.next()) {
                    try {
                        JsonNode node = Json.MAPPER.readTree(lines.buffer(), lines.start(), lines.length());
                        if (node instanceof ObjectNode o) rows.add(o);
                    } catch (IOException notJson) {
                        // reported by the real read, with its line number
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new DatasetException(path + ": no such file");
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot read: " + e.getMessage(), e);
        }
        return rows;
    }

    @Override
    public String describe() {
        return path.toString();
    }
}
