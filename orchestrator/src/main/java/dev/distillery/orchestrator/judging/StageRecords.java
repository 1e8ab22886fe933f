package dev.distillery.orchestrator.judging;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The first records of a stage's {@code records.jsonl}, streamed with one line in memory at a time. Only lines that
 * end with a newline count: a running stage may be in the middle of writing the last one. A missing file (a stage
 * that has not started) has no records.
 *
 * <pre>{@code
 * try (StageRecords it = StageRecords.open(stageDir.resolve("records.jsonl"), 10_000)) {
 *     while (it.hasNext()) histogram.add(it.next());
 *     if (it.truncated()) note("first 10,000 records");
 * }
 * }</pre>
 */
final class StageRecords implements RecordIterator {

    private final Path file;
    private final long limit;
    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkLimit;
    private byte[] line = new byte[1 << 12];
    private int lineLength;
    private long lineNumber;
    private long handed;
    private boolean truncated;
    private DataRecord next;

    private StageRecords(Path file, long limit, InputStream in) {
        this.file = file;
        this.limit = limit;
        this.in = in;
    }

    /** At most {@code limit} records of {@code file}. */
    static StageRecords open(Path file, long limit) {
        try {
            return new StageRecords(file, limit, Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            return new StageRecords(file, limit, InputStream.nullInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The same bounded view as a source, for readers that take one (the judges' {@code JudgedItemReader}). */
    static RecordSource source(Path file, long limit) {
        return new RecordSource() {
            @Override
            public RecordIterator open() {
                return StageRecords.open(file, limit);
            }

            @Override
            public String describe() {
                return file.toString();
            }
        };
    }

    /** Whether the file holds more records than the limit let through (known once {@link #hasNext()} said false). */
    boolean truncated() {
        return truncated;
    }

    /** Records handed out so far. */
    long count() {
        return handed;
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        try {
            while (nextLine()) {
                if (isBlank()) continue;
                if (handed == limit) {
                    truncated = true;
                    return false;
                }
                try {
                    next = RecordCodec.decode(line, 0, lineLength);
                } catch (RuntimeException e) {
                    throw new IllegalStateException(file + ": line " + lineNumber + ": " + e.getMessage(), e);
                }
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public DataRecord next() {
        if (!hasNext()) throw new NoSuchElementException();
        DataRecord r = next;
        next = null;
        handed++;
        return r;
    }

    /** Collects the next newline-terminated line into {@code line}; false at the end (an unterminated tail is dropped). */
    private boolean nextLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (chunkPos == chunkLimit) {
                chunkLimit = in.read(chunk);
                chunkPos = 0;
                if (chunkLimit <= 0) {
                    chunkLimit = 0;
                    return false;
                }
            }
            int end = chunkPos;
            while (end < chunkLimit && chunk[end] != '\n') end++;
            int piece = end - chunkPos;
            if (lineLength + piece > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + piece));
            System.arraycopy(chunk, chunkPos, line, lineLength, piece);
            lineLength += piece;
            chunkPos = end;
            if (end < chunkLimit) {
                chunkPos++; // past the newline
                lineNumber++;
                return true;
            }
        }
    }

    private boolean isBlank() {
        for (int i = 0; i < lineLength; i++) if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') return false;
        return true;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close: " + e.getMessage(), e);
        }
    }
}
