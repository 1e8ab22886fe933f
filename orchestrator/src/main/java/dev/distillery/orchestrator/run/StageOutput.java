package dev.distillery.orchestrator.run;

import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A stage's output: records appended to {@code records.jsonl} (Distillery's native format), and a committed
 * watermark that moves only after the ledger recorded which items the records came from. Readers (downstream stages,
 * running at the same time) see committed records only, so nothing a crash takes back was ever consumed.
 *
 * <p>On reopen the file is cut back to the committed count: records written for an item whose commit did not land
 * are dropped and the item runs again. That makes a resumed run lose nothing and duplicate nothing, even when the
 * re-run item produces different records.
 */
final class StageOutput implements AutoCloseable {

    static final String FILE = "records.jsonl";

    private final Path file;
    private final FileChannel channel;
    private long records;          // lines written
    private long bytes;            // bytes written
    private long committedRecords; // lines readers may see
    private long committedBytes;
    private boolean finished;
    private boolean failed;

    private StageOutput(Path file, FileChannel channel, long records, long bytes) {
        this.file = file;
        this.channel = channel;
        this.records = records;
        this.bytes = bytes;
        this.committedRecords = records;
        this.committedBytes = bytes;
    }

    /** Opens {@code dir/records.jsonl}, cutting it back to its first {@code committed} records. */
    static StageOutput open(Path dir, long committed) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(FILE);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            long cut = offsetAfterLines(ch, committed);
            if (cut < 0) {
                ch.close();
                throw new IllegalStateException(file + " holds fewer records than the " + committed
                        + " the run store committed: the stage output was changed outside Distillery; rerun the stage");
            }
            ch.truncate(cut);
            ch.position(cut);
            return new StageOutput(file, ch, committed, cut);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot open stage output: " + e.getMessage(), e);
        }
    }

    /** Byte offset just after the first {@code lines} lines, or −1 when the file has fewer. */
    private static long offsetAfterLines(FileChannel ch, long lines) throws IOException {
        if (lines == 0) return 0;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = 0, seen = 0;
        ch.position(0);
        int n;
        while ((n = ch.read(buf)) > 0) {
            buf.flip();
            for (int i = 0; i < n; i++) {
                if (buf.get(i) == '\n' && ++seen == lines) return pos + i + 1;
            }
            pos += n;
            buf.clear();
        }
        return -1;
    }

    Path file() {
        return file;
    }

    /** Appends records (not yet visible to readers); returns the record count after them. */
    synchronized long append(List<DataRecord> out) {
        if (out.isEmpty()) return records;
        byte[][] lines = new byte[out.size()][];
        for (int i = 0; i < lines.length; i++) lines[i] = RecordCodec.encode(out.get(i));
        return write(lines);
    }

    /** Appends records already encoded as native JSON lines (no newline), e.g. read from another stage's output. */
    synchronized long appendLines(List<byte[]> out) {
        if (out.isEmpty()) return records;
        return write(out.toArray(new byte[0][]));
    }

    private long write(byte[][] lines) {
        int size = 0;
        for (byte[] l : lines) size += l.length + 1;
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (byte[] l : lines) buf.put(l).put((byte) '\n');
        buf.flip();
        try {
            while (buf.hasRemaining()) channel.write(buf);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
        records += lines.length;
        bytes += size;
        return records;
    }

    /** Makes everything appended so far visible; call after the ledger committed the matching items. */
    synchronized void publish() {
        committedRecords = records;
        committedBytes = bytes;
        notifyAll();
    }

    synchronized long records() {
        return records;
    }

    /** Whether reading past {@code offset} would not wait: more is committed there, or nothing more will come. */
    synchronized boolean readyBeyond(long offset) {
        return committedBytes > offset || finished || failed;
    }

    synchronized long committedRecords() {
        return committedRecords;
    }

    /** No more records will come: readers end after the committed ones. */
    synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /** The stage failed: readers waiting for more end with an exception. */
    synchronized void fail() {
        failed = true;
        notifyAll();
    }

    /**
     * Waits until the committed end moves past {@code offset} or the output is finished; returns the committed byte
     * end, or −1 when finished and nothing more will come.
     */
    synchronized long awaitBeyond(long offset) throws InterruptedException {
        while (committedBytes <= offset && !finished && !failed) wait();
        if (failed && committedBytes <= offset) throw new UpstreamFailedException(file.getParent().getFileName().toString());
        return committedBytes > offset ? committedBytes : -1;
    }

    /** Waits until the output is finished (barrier stages wait for every input); throws if it failed. */
    synchronized void awaitFinished() throws InterruptedException {
        while (!finished && !failed) wait();
        if (failed) throw new UpstreamFailedException(file.getParent().getFileName().toString());
    }

    @Override
    public void close() {
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot close: " + e.getMessage(), e);
        }
    }

    /** A downstream stage cannot go on because the stage it reads from failed. */
    static final class UpstreamFailedException extends RuntimeException {
        UpstreamFailedException(String stage) {
            super("input stage '" + stage + "' failed");
        }
    }
}
