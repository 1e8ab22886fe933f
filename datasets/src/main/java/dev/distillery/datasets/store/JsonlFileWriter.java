package dev.distillery.datasets.store;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.model.DataRecord;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a single JSONL file (gzip when the name ends in {@code .gz}), for exports that a trainer or another tool
 * reads directly. The file appears only when the writer closes: records go to {@code NAME.partial} first and are
 * renamed into place atomically, so a killed export never leaves a half file under the real name.
 *
 * <pre>{@code
 * try (var w = new JsonlFileWriter(Path.of("sft.jsonl"), encoder, true)) { records.forEach(w::write); }
 * }</pre>
 */
public final class JsonlFileWriter implements RecordSink {

    private final Path target;
    private final Path partial;
    private final RecordEncoder encoder;
    private final OutputStream out;
    private long written;
    private boolean closed;

    /**
     * @param overwrite replace an existing file; otherwise an existing file is an error
     */
    public JsonlFileWriter(Path target, RecordEncoder encoder, boolean overwrite) {
        this.target = target;
        this.partial = target.resolveSibling(target.getFileName() + ".partial");
        this.encoder = encoder;
        if (Files.exists(target) && !overwrite) {
            throw new DatasetException(target + ": already exists; choose another output or pass --overwrite.");
        }
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
            this.out = target.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(file, 1 << 16) : file;
        } catch (IOException e) {
            throw new DatasetException(target + ": cannot create: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void write(DataRecord record) {
        if (closed) throw new IllegalStateException(target + ": writer is closed");
        try {
            out.write(encoder.encode(record));
            out.write('\n');
            written++;
        } catch (IOException e) {
            throw new DatasetException(partial + ": write failed: " + e.getMessage(), e);
        }
    }

    public synchronized long recordsWritten() {
        return written;
    }

    public Path path() {
        return target;
    }

    /** Leaves no file behind: for a run that failed and should not publish a partial result. */
    public synchronized void abort() {
        if (closed) return;
        closed = true;
        try {
            out.close();
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            throw new DatasetException(partial + ": cannot remove: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            out.close();
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DatasetException(target + ": cannot finish: " + e.getMessage(), e);
        }
    }
}
