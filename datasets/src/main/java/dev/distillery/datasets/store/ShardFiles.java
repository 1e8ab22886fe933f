package dev.distillery.datasets.store;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.RecordIds;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Naming, listing, scanning and tail repair of shard files: the part of crash safety that lives on disk. */
final class ShardFiles {

    private static final System.Logger LOG = System.getLogger(ShardFiles.class.getName());
    static final Pattern SHARD_NAME = Pattern.compile("part-(\\d{5,})\\.jsonl(\\.gz)?");

    private ShardFiles() {
    }

    static String name(int index) {
        return String.format("part-%05d.jsonl", index);
    }

    static int index(String fileName) {
        var m = SHARD_NAME.matcher(fileName);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Shard files present in {@code dir}, in index order. */
    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> SHARD_NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(java.util.Comparator.comparingInt(p -> index(p.getFileName().toString())))
                    .toList();
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot list shards: " + e.getMessage(), e);
        }
    }

    /**
     * Makes a plain shard end on a record boundary. A writer killed mid-line leaves an unterminated tail: when the
     * tail is a complete JSON object only its newline was lost and one is appended; otherwise the partial record is
     * cut off. Either way a warning says what happened.
     *
     * @return true when the file was changed
     */
    static boolean repairTail(Path shard) {
        if (shard.getFileName().toString().endsWith(".gz")) return false;
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            long len = f.length();
            if (len == 0) return false;
            f.seek(len - 1);
            if (f.read() == '\n') return false;
            long lastNewline = lastNewlineBefore(f, len);
            long tailStart = lastNewline + 1;
            byte[] tail = new byte[(int) Math.min(Integer.MAX_VALUE - 8, len - tailStart)];
            f.seek(tailStart);
            f.readFully(tail);
            if (isCompleteJsonObject(tail)) {
                f.seek(len);
                f.write('\n');
                LOG.log(System.Logger.Level.WARNING, shard + ": last record had no newline (writer interrupted "
                        + "after the record); added the newline, the record is kept.");
            } else {
                f.setLength(tailStart);
                LOG.log(System.Logger.Level.WARNING, shard + ": removed an incomplete last line of " + tail.length
                        + " bytes left by an interrupted writer; every complete record is kept.");
            }
            return true;
        } catch (IOException e) {
            throw new DatasetException(shard + ": cannot repair: " + e.getMessage(), e);
        }
    }

    private static long lastNewlineBefore(RandomAccessFile f, long len) throws IOException {
        byte[] chunk = new byte[8192];
        long end = len;
        while (end > 0) {
            int n = (int) Math.min(chunk.length, end);
            f.seek(end - n);
            f.readFully(chunk, 0, n);
            for (int i = n - 1; i >= 0; i--) {
                if (chunk[i] == '\n') return end - n + i;
            }
            end -= n;
        }
        return -1;
    }

    private static boolean isCompleteJsonObject(byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes).isObject();
        } catch (IOException e) {
            return false;
        }
    }

    /** Counts the records of a shard and hashes its bytes; one sequential read. */
    static Manifest.Shard scan(Path shard) {
        MessageDigest digest = RecordIds.sha256();
        long records = 0;
        try (InputStream raw = new DigestInputStream(Files.newInputStream(shard), digest)) {
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            InputStream data = shard.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
            try (LineReader lines = new LineReader(data)) {
                while (lines.next()) {
                    if (lines.terminated() || isCompleteJsonObject(
                            java.util.Arrays.copyOfRange(lines.buffer(), lines.start(), lines.start() + lines.length()))) {
                        records++;
                    }
                }
                raw.transferTo(java.io.OutputStream.nullOutputStream()); // hash bytes after a gzip trailer too
            }
            return new Manifest.Shard(shard.getFileName().toString(), records, Files.size(shard),
                    HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new DatasetException(shard + ": cannot scan: " + e.getMessage(), e);
        }
    }
}
