package dev.distillery.generators.model.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call cache as one append-only JSONL file: one {@link CachedCall} per line, an in-memory index of key to line
 * position built on open, answers read back from the file on a hit (so memory holds keys, not answers).
 *
 * <p>Crash safety: each entry is one {@code write} of a whole line. A crash can only leave the last line torn; on
 * open a torn last line (no newline, or not valid JSON) is dropped and the file truncated before it, so the next
 * append starts on a clean line. Any other unreadable line is corruption and fails the open, naming file and line.
 *
 * <p>Durability (fsync policy): every entry reaches the operating system at once, so a killed process loses nothing.
 * The file is forced to disk at most every {@code fsyncInterval} (default 1 s) and on close, so a power loss loses
 * at most that much, i.e. a second of paid calls; {@code Duration.ZERO} forces every entry (slower, nothing lost).
 *
 * <p>One process at a time: the file is locked while open, and a second open fails with a clear message.
 *
 * <pre>{@code try (var store = FileCallCacheStore.open(dir.resolve("calls.jsonl"))) { ... }}</pre>
 */
public final class FileCallCacheStore implements CallCacheStore {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final long fsyncIntervalNanos;
    private final ConcurrentHashMap<String, Slot> index = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    private long end;
    private long lastSync = System.nanoTime();
    private boolean dirty;
    private volatile boolean closed;

    private record Slot(long offset, int length) {
    }

    private FileCallCacheStore(Path file, Duration fsyncInterval) throws IOException {
        this.file = file;
        this.fsyncIntervalNanos = fsyncInterval.toNanos();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            channel.close();
            throw new IllegalStateException(file + ": the call cache is open in another process or store; one writer at a time");
        }
        this.lock = l;
        try {
            load();
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    /** Opens (or creates) the cache file with the default fsync interval of 1 s. */
    public static FileCallCacheStore open(Path file) {
        return open(file, Duration.ofSeconds(1));
    }

    /** Opens (or creates) the cache file; {@code fsyncInterval} zero forces every entry to disk. */
    public static FileCallCacheStore open(Path file, Duration fsyncInterval) {
        try {
            return new FileCallCacheStore(file, fsyncInterval);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot open the call cache", e);
        }
    }

    private void load() throws IOException {
        long size = channel.size();
        long lineStart = 0;
        int lineNo = 0;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        long pos = 0;
        while (pos < size) {
            buf.clear();
            int n = channel.read(buf, pos);
            if (n <= 0) break;
            buf.flip();
            for (int i = 0; i < n; i++) {
                byte b = buf.get(i);
                if (b == '\n') {
                    lineNo++;
                    byte[] bytes = line.toByteArray();
                    line.reset();
                    long next = pos + i + 1;
                    String key = keyOf(bytes);
                    if (key == null) {
                        if (next == size) { // a complete-looking but unreadable last line: torn by a crash
                            truncate(lineStart);
                            return;
                        }
                        throw new IllegalStateException(file + ":" + lineNo + ": not a call-cache entry (the file is corrupt)");
                    }
                    index.put(key, new Slot(lineStart, bytes.length));
                    lineStart = next;
                } else {
                    line.write(b);
                }
            }
            pos += n;
        }
        if (lineStart < size) truncate(lineStart); // torn last line without its newline
        else end = size;
    }

    private void truncate(long at) throws IOException {
        channel.truncate(at);
        channel.force(true);
        end = at;
    }

    private static String keyOf(byte[] line) {
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            JsonNode key = node == null ? null : node.get("key");
            return key != null && key.isTextual() && node.hasNonNull("text") ? key.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public Optional<CachedCall> get(String key) {
        Slot slot = index.get(key);
        if (slot == null) return Optional.empty();
        ByteBuffer buf = ByteBuffer.allocate(slot.length);
        try {
            long p = slot.offset;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, p);
                if (n < 0) throw new IOException("unexpected end of file");
                p += n;
            }
            return Optional.of(Json.MAPPER.readValue(buf.array(), CachedCall.class));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the cache entry at byte " + slot.offset, e);
        }
    }

    @Override
    public void put(CachedCall call) {
        byte[] json = Json.bytes(call);
        ByteBuffer buf = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        synchronized (writeLock) {
            if (closed) throw new IllegalStateException(file + ": the call cache is closed");
            long at = end;
            try {
                long p = at;
                while (buf.hasRemaining()) p += channel.write(buf, p);
                end = p;
                dirty = true;
                long now = System.nanoTime();
                if (now - lastSync >= fsyncIntervalNanos) {
                    channel.force(false);
                    lastSync = now;
                    dirty = false;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot append to the call cache", e);
            }
            index.put(call.key(), new Slot(at, json.length));
        }
    }

    @Override
    public int size() {
        return index.size();
    }

    /** The cache file. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) return;
            closed = true;
            try {
                if (dirty) channel.force(false);
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot close the call cache", e);
            }
        }
    }
}
