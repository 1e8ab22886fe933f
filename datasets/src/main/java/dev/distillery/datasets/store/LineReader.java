package dev.distillery.datasets.store;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into JSONL lines without decoding it: '\n' never occurs inside a UTF-8 multi-byte sequence,
 * so lines can be cut on bytes and handed to Jackson as slices, which validates UTF-8 and saves a String copy.
 * Knows whether the last line ended with a newline, which is how a record cut off by a killed writer is recognised.
 * Memory is one buffer that grows only to the longest line.
 */
final class LineReader implements Closeable {

    private final InputStream in;
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;
    private boolean truncatedStream;

    private int lineStart;
    private int lineLength;
    private long lineNumber;
    private boolean terminated;
    private long bytesConsumed;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Advances to the next non-blank line; false at the end of the stream. */
    boolean next() throws IOException {
        while (true) {
            if (!advance()) return false;
            if (!isBlank()) return true;
        }
    }

    private boolean advance() throws IOException {
        int scanFrom = pos;
        while (true) {
            for (int i = scanFrom; i < limit; i++) {
                if (buf[i] == '\n') {
                    setLine(pos, i, true);
                    bytesConsumed += i + 1 - pos;
                    pos = i + 1;
                    return true;
                }
            }
            if (eof) {
                if (pos < limit) {
                    setLine(pos, limit, false);
                    bytesConsumed += limit - pos;
                    pos = limit;
                    return true;
                }
                return false;
            }
            scanFrom = fill();
        }
    }

    private void setLine(int start, int end, boolean withNewline) {
        lineNumber++;
        if (lineNumber == 1 && end - start >= 3 && (buf[start] & 0xFF) == 0xEF && (buf[start + 1] & 0xFF) == 0xBB
                && (buf[start + 2] & 0xFF) == 0xBF) {
            start += 3; // a UTF-8 byte-order mark written by some Windows editors
        }
        if (withNewline && end > start && buf[end - 1] == '\r') end--;
        lineStart = start;
        lineLength = end - start;
        terminated = withNewline;
    }

    /** Reads more bytes; returns where scanning for '\n' should resume. */
    private int fill() throws IOException {
        int pending = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, pending);
            pos = 0;
            limit = pending;
        }
        if (limit == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
        int n;
        try {
            n = in.read(buf, limit, buf.length - limit);
        } catch (EOFException e) {
            // A gzip shard cut off by a killed writer: what was decoded so far is still good.
            truncatedStream = true;
            n = -1;
        }
        if (n < 0) eof = true;
        else limit += n;
        return pending;
    }

    private boolean isBlank() {
        for (int i = lineStart; i < lineStart + lineLength; i++) {
            byte b = buf[i];
            if (b != ' ' && b != '\t' && b != '\r') return false;
        }
        return true;
    }

    byte[] buffer() {
        return buf;
    }

    int start() {
        return lineStart;
    }

    int length() {
        return lineLength;
    }

    /** 1-based number of the current line in the file, counting blank lines. */
    long lineNumber() {
        return lineNumber;
    }

    /** Whether the current line ended with '\n'; only the last line of a file can be unterminated. */
    boolean terminated() {
        return terminated;
    }

    /** Whether the compressed stream ended early (a gzip shard whose writer was killed). */
    boolean truncatedStream() {
        return truncatedStream;
    }

    /** Bytes of the (decompressed) stream consumed up to the end of the current line. */
    long bytesConsumed() {
        return bytesConsumed;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
