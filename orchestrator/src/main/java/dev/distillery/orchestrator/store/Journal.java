package dev.distillery.orchestrator.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The run store's redo log ({@code distillery.journal}): one JSON line per durable write since the last database
 * checkpoint. The writer thread appends a whole group commit with one {@code write} call after the database commit,
 * and answers callers only then, so a confirmed write survives SIGKILL even though H2 itself writes its file lazily.
 * After a {@code CHECKPOINT} everything in the journal is in the database file and the journal is emptied; on open,
 * what is left is replayed (every entry is idempotent) before anything else happens.
 *
 * <p>Why not let H2 write every commit ({@code WRITE_DELAY=0})? Measured: each durable commit writes a new ~20 KB
 * chunk and H2's background compaction does not run in that mode, so 70,000 item commits grew the file to 550 MB.
 */
final class Journal implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final StringBuilder pending = new StringBuilder();
    private long size;

    Journal(Path file) {
        this.file = file;
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            this.size = channel.size();
            channel.position(size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the run store journal " + file, e);
        }
    }

    /** The entries left by a process that stopped before its last checkpoint; a torn last line is skipped. */
    List<JsonNode> readAll() {
        List<JsonNode> entries = new ArrayList<>();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf('\n', start);
                if (end < 0) {
                    break; // a line without its newline was being written when the process died: never confirmed
                }
                entries.add(Json.MAPPER.readTree(text.substring(start, end)));
                start = end + 1;
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run store journal " + file, e);
        }
    }

    /** Adds an entry to the group being built (writer thread only); {@link #mark()}/{@link #reset(int)} undo one task. */
    void add(Object entry) {
        pending.append(Json.string(entry)).append('\n');
    }

    int mark() {
        return pending.length();
    }

    void reset(int mark) {
        pending.setLength(mark);
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Writes the group to the OS with one call (no fsync: a killed process loses nothing, a power cut may). */
    void writePending() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.UTF_8));
        pending.setLength(0);
        while (bytes.hasRemaining()) {
            size += channel.write(bytes);
        }
    }

    void discardPending() {
        pending.setLength(0);
    }

    long size() {
        return size;
    }

    /** Everything written so far is in the database file now. */
    void truncate() throws IOException {
        channel.truncate(0);
        channel.position(0);
        size = 0;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the run store journal " + file, e);
        }
    }
}
