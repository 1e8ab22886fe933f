package dev.distillery.datasets.store;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.InvalidRecordException;
import dev.distillery.datasets.json.Json;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code --skip-invalid} destination: one JSON line per rejected input line with where it was, what was wrong
 * and the line itself, so that a user can fix and re-import exactly what was skipped.
 *
 * <pre>{"file":"in.jsonl","line":17,"field":"messages[1].role","error":"unknown role 'bot'...","raw":"{...}"}</pre>
 */
public final class RejectsFile implements InvalidRecordHandler, AutoCloseable {

    private final Path path;
    private OutputStream out;
    private long count;

    public RejectsFile(Path path) {
        this.path = path;
    }

    @Override
    public synchronized void reject(InvalidRecordException error, String line) {
        try {
            if (out == null) {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                out = new BufferedOutputStream(Files.newOutputStream(path));
            }
            var row = Json.object();
            row.put("file", error.file() == null ? null : error.file().toString());
            row.put("line", error.line());
            row.put("field", error.field());
            row.put("error", error.problem());
            row.put("raw", line);
            out.write(Json.bytes(row));
            out.write('\n');
            count++;
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot write rejects: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public synchronized long count() {
        return count;
    }

    @Override
    public synchronized void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            throw new DatasetException(path + ": cannot write rejects: " + e.getMessage(), e);
        }
    }
}
