package dev.distillery.datasets.store;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.FieldException;
import dev.distillery.datasets.io.InvalidRecordException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.RecordIds;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Streams the records of one JSONL file (plain or gzip, told apart by the magic bytes), in constant memory.
 * <ul>
 *   <li>A bad line goes to the {@link InvalidRecordHandler} with file, line and field.</li>
 *   <li>An unterminated last line that does not parse is what a killed writer leaves behind: it is skipped with a
 *       warning (a writer reopening the dataset repairs it), never reported as a record.</li>
 *   <li>With an expected SHA-256, the file's bytes are hashed while they are read and a mismatch at the end is an
 *       error: the shard changed after it was written.</li>
 * </ul>
 */
final class JsonlFileReader implements RecordIterator {

    private static final System.Logger LOG = System.getLogger(JsonlFileReader.class.getName());

    private final Path file;
    private final RecordDecoder decoder;
    private final InvalidRecordHandler onInvalid;
    private final ReadStats stats;
    private final String expectedSha256;
    private final MessageDigest digest;
    private final LineReader lines;
    private final InputStream raw;
    private DataRecord next;
    private boolean done;

    JsonlFileReader(Path file, RecordDecoder decoder, InvalidRecordHandler onInvalid, ReadStats stats,
                    String expectedSha256) {
        this.file = file;
        this.decoder = decoder;
        this.onInvalid = onInvalid;
        this.stats = stats;
        this.expectedSha256 = expectedSha256;
        this.digest = expectedSha256 == null ? null : RecordIds.sha256();
        try {
            InputStream fileIn = Files.newInputStream(file);
            this.raw = digest == null ? fileIn : new DigestInputStream(fileIn, digest);
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            this.lines = new LineReader(isGzip(in) ? new GZIPInputStream(in, 1 << 16) : in);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": no such file");
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b;
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        if (done) return false;
        try {
            while (lines.next()) {
                try {
                    next = decoder.decode(lines.buffer(), lines.start(), lines.length());
                    stats.countRecord();
                    return true;
                } catch (FieldException e) {
                    if (!lines.terminated()) {
                        stats.countTruncatedTail();
                        LOG.log(System.Logger.Level.WARNING, file + ":" + lines.lineNumber()
                                + ": skipped an incomplete last line (" + lines.length()
                                + " bytes, no newline): a writer was interrupted. Reopening the dataset for writing "
                                + "repairs it.");
                        continue;
                    }
                    stats.countRejected();
                    onInvalid.reject(new InvalidRecordException(file, lines.lineNumber(), e.field(), e.problem()),
                            new String(lines.buffer(), lines.start(), lines.length(), StandardCharsets.UTF_8));
                }
            }
            if (lines.truncatedStream()) {
                stats.countTruncatedTail();
                LOG.log(System.Logger.Level.WARNING, file + ": compressed data ends early after line "
                        + lines.lineNumber() + "; the records before it were read.");
            }
            finish();
            return false;
        } catch (IOException e) {
            close();
            throw new DatasetException(file + ":" + lines.lineNumber() + ": cannot read: " + e.getMessage(), e);
        }
    }

    private void finish() throws IOException {
        done = true;
        if (digest != null) raw.transferTo(java.io.OutputStream.nullOutputStream()); // bytes after a gzip trailer
        lines.close();
        if (digest != null) {
            // The digest saw every byte on the way in: the line reader only stops at the end of the stream.
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expectedSha256)) {
                throw new DatasetException(file + ": content hash does not match the manifest (expected "
                        + expectedSha256 + ", found " + actual + "): the shard was changed after it was written. "
                        + "If the change is intended, run `distillery dataset repair` on the dataset directory.");
            }
        }
    }

    @Override
    public DataRecord next() {
        if (!hasNext()) throw new NoSuchElementException();
        DataRecord r = next;
        next = null;
        return r;
    }

    @Override
    public void close() {
        done = true;
        try {
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
