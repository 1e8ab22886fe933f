package dev.distillery.orchestrator.run;

import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads an upstream stage's committed records while the upstream may still be writing: at the committed end it waits
 * (no polling) until more is committed or the upstream finishes. Memory is one read buffer, whatever the size.
 */
final class StageInput implements Iterator<DataRecord>, AutoCloseable {

    private final StageOutput source;
    private final FileChannel channel;
    private ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    private long base;            // file offset of buf index 0
    private DataRecord next;
    private boolean ended;
    // Buffer indexes of the line of the record last decoded: valid until the next hasNext() refills the buffer.
    private int lineStart;
    private int lineEnd;

    StageInput(StageOutput source) {
        this.source = source;
        try {
            this.channel = FileChannel.open(source.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException(source.file() + ": cannot read: " + e.getMessage(), e);
        }
        buf.limit(0);
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        if (ended) return false;
        try {
            while (true) {
                int nl = -1;
                for (int i = buf.position(); i < buf.limit(); i++) {
                    if (buf.get(i) == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl >= 0) {
                    int start = buf.position();
                    next = RecordCodec.decode(buf.array(), start, nl - start);
                    lineStart = start;
                    lineEnd = nl;
                    buf.position(nl + 1);
                    return true;
                }
                long committedEnd = source.awaitBeyond(base + buf.limit());
                if (committedEnd < 0) {
                    ended = true;
                    return false;
                }
                fill(committedEnd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        } catch (IOException e) {
            throw new UncheckedIOException(source.file() + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Whether {@link #hasNext()} would answer without waiting for the upstream stage. */
    boolean ready() {
        if (next != null || ended) return true;
        for (int i = buf.position(); i < buf.limit(); i++) if (buf.get(i) == '\n') return true;
        return source.readyBeyond(base + buf.limit());
    }

    /** Keeps the unread tail, then reads more, never past the committed end. */
    private void fill(long committedEnd) throws IOException {
        int consumed = buf.position();
        buf.compact();                 // unread bytes now start at index 0
        base += consumed;
        if (!buf.hasRemaining()) {     // one record longer than the buffer
            ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        int kept = buf.position();
        long want = Math.min(buf.remaining(), committedEnd - (base + kept));
        buf.limit(kept + (int) want);
        while (buf.hasRemaining()) {
            if (channel.read(buf, base + buf.position()) < 0) break;
        }
        buf.flip();
    }

    @Override
    public DataRecord next() {
        if (!hasNext()) throw new NoSuchElementException();
        DataRecord r = next;
        next = null;
        return r;
    }

    /**
     * The bytes of the line {@link #next()} returned last (a copy). Valid right after {@code next()}: the following
     * {@code hasNext()} may move the buffer.
     */
    byte[] line() {
        return java.util.Arrays.copyOfRange(buf.array(), lineStart, lineEnd);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    /** The run was cancelled while a stage waited for input. */
    static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled");
        }
    }
}
