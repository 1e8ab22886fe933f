package dev.distillery.datasets.store;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.RecordIds;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Appends records to a dataset directory, crash-safely.
 *
 * <pre>{@code
 * try (DatasetWriter w = DatasetWriter.builder(dir).createdBy("my-flow").open()) {
 *     for (DataRecord r : records) w.write(r);
 * }
 * }</pre>
 *
 * <p>Why it is safe to kill at any moment: shards are append-only and every record is one line, so a kill leaves at
 * worst one partial last line. The manifest is replaced atomically and says {@code complete: false} while the writer
 * is open, so readers know to trust the shards over the counts; {@link WriteMode#APPEND} repairs a partial tail, rescans
 * shards the manifest does not vouch for, and continues in a new shard. Finished shards are never modified again.
 */
public final class DatasetWriter implements RecordSink {

    /** What to do when the directory already holds a dataset. */
    public enum WriteMode {
        /** Refuse: a command never overwrites data it was not told to. */
        CREATE,
        /** Continue the existing dataset after repairing it (resume after a crash). */
        APPEND,
        /** Delete the existing shards and manifest first. */
        OVERWRITE
    }

    private final Path dir;
    private final String format;
    private final RecordEncoder encoder;
    private final RecordDecoder decoder;
    private final String createdBy;
    private final String createdAt;
    private final long maxShardRecords;
    private final long maxShardBytes;
    private final int flushEvery;
    private final List<Manifest.Shard> finished = new ArrayList<>();
    private final LineageSummary.Builder lineage;

    private int shardIndex;
    private FileOutputStream shardFile;
    private BufferedOutputStream shardOut;
    private MessageDigest shardDigest;
    private long shardRecords;
    private long shardBytes;
    private long totalRecords;
    private int sinceFlush;
    private boolean closed;
    // What finished shards hold: an open writer's manifest describes only those, so that recovery can rescan the rest
    // without counting a record twice.
    private long committedRecords;
    private Map<String, Long> committedKinds = Map.of();
    private LineageSummary committedLineage = LineageSummary.EMPTY;

    private DatasetWriter(Builder b) {
        this.dir = b.dir;
        this.format = b.format;
        this.encoder = b.encoder;
        this.decoder = b.decoder;
        this.createdBy = b.createdBy;
        this.maxShardRecords = b.maxShardRecords;
        this.maxShardBytes = b.maxShardBytes;
        this.flushEvery = b.flushEvery;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot create dataset directory: " + e.getMessage(), e);
        }
        Manifest existing = prepare(b.mode);
        if (existing != null) {
            this.createdAt = existing.createdAt();
            this.lineage = new LineageSummary.Builder(existing.lineage(), existing.kinds(), b.inputs);
            finished.addAll(existing.shards());
            totalRecords = existing.records();
            commit();
            shardIndex = finished.stream().mapToInt(s -> ShardFiles.index(s.file())).max().orElse(-1) + 1;
        } else {
            this.createdAt = Instant.now().toString();
            this.lineage = new LineageSummary.Builder(LineageSummary.EMPTY, Map.of(), b.inputs);
            commit();
        }
        writeManifest(false);
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Applies the write mode; returns the recovered state to continue from, or null for a fresh dataset. */
    private Manifest prepare(WriteMode mode) {
        boolean hasManifest = Files.exists(dir.resolve(Manifest.FILE_NAME));
        List<Path> shards = ShardFiles.list(dir);
        if (!hasManifest && shards.isEmpty()) return null;
        switch (mode) {
            case CREATE -> throw new DatasetException(dir + ": already holds a dataset; choose another output, "
                    + "or overwrite it (--overwrite) or append to it (--append).");
            case OVERWRITE -> {
                try {
                    for (Path s : shards) Files.delete(s);
                    Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME));
                } catch (IOException e) {
                    throw new DatasetException(dir + ": cannot clear the old dataset: " + e.getMessage(), e);
                }
                return null;
            }
            case APPEND -> {
                return DatasetRecovery.recover(dir, format, decoder, false);
            }
        }
        throw new AssertionError(mode);
    }

    @Override
    public synchronized void write(DataRecord record) {
        Objects.requireNonNull(record, "record");
        if (closed) throw new IllegalStateException(dir + ": writer is closed");
        byte[] line = encoder.encode(record);
        try {
            if (shardOut == null || shardRecords >= maxShardRecords || shardBytes >= maxShardBytes) rotate();
            shardOut.write(line);
            shardOut.write('\n');
            shardDigest.update(line);
            shardDigest.update((byte) '\n');
            shardBytes += line.length + 1;
            shardRecords++;
            totalRecords++;
            lineage.add(record);
            if (++sinceFlush >= flushEvery) flush();
        } catch (IOException e) {
            throw new DatasetException(dir.resolve(ShardFiles.name(shardIndex)) + ": write failed: " + e.getMessage(), e);
        }
    }

    /** Hands buffered records to the operating system: after this, killing the process loses none of them. */
    public synchronized void flush() {
        sinceFlush = 0;
        if (shardOut == null) return;
        try {
            shardOut.flush();
        } catch (IOException e) {
            throw new DatasetException(dir + ": flush failed: " + e.getMessage(), e);
        }
    }

    /** Flushes and forces the current shard to disk: what was written survives a power loss too. */
    public synchronized void checkpoint() {
        flush();
        try {
            if (shardFile != null) shardFile.getFD().sync();
        } catch (IOException e) {
            throw new DatasetException(dir + ": sync failed: " + e.getMessage(), e);
        }
    }

    private void rotate() throws IOException {
        finishShard();
        Path path = dir.resolve(ShardFiles.name(shardIndex));
        shardFile = new FileOutputStream(path.toFile(), false);
        shardOut = new BufferedOutputStream(shardFile, 1 << 16);
        shardDigest = RecordIds.sha256();
        shardRecords = 0;
        shardBytes = 0;
    }

    private void finishShard() throws IOException {
        if (shardOut == null) return;
        shardOut.flush();
        shardFile.getFD().sync();
        shardOut.close();
        finished.add(new Manifest.Shard(ShardFiles.name(shardIndex), shardRecords, shardBytes,
                HexFormat.of().formatHex(shardDigest.digest())));
        shardOut = null;
        shardFile = null;
        shardIndex++;
        commit();
        writeManifest(false);
    }

    private void commit() {
        committedRecords = totalRecords;
        committedKinds = Map.copyOf(lineage.kinds());
        committedLineage = lineage.build();
    }

    private void writeManifest(boolean complete) {
        if (complete) commit();
        Map<String, Long> kinds = committedKinds;
        String kind = kinds.isEmpty() ? null : kinds.size() == 1 ? kinds.keySet().iterator().next() : "mixed";
        new Manifest(Manifest.VERSION, format, kind, kinds, committedRecords, complete, createdBy, createdAt,
                Instant.now().toString(), List.copyOf(finished), committedLineage).write(dir);
    }

    public synchronized long recordsWritten() {
        return totalRecords;
    }

    public Path directory() {
        return dir;
    }

    /**
     * Stops writing without declaring the dataset complete: what was written stays readable, and the manifest keeps
     * saying {@code complete: false}, as after a crash. For a run that failed half-way.
     */
    public synchronized void abandon() {
        if (closed) return;
        closed = true;
        try {
            if (shardOut != null) shardOut.close();
        } catch (IOException e) {
            throw new DatasetException(dir + ": close failed: " + e.getMessage(), e);
        }
    }

    /** Finishes the last shard and writes the complete manifest. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            finishShard();
        } catch (IOException e) {
            throw new DatasetException(dir + ": close failed: " + e.getMessage(), e);
        }
        writeManifest(true);
    }

    /** Configuration of a {@link DatasetWriter}. */
    public static final class Builder {
        private final Path dir;
        private String format = "distillery";
        private RecordEncoder encoder = RecordEncoder.NATIVE;
        private RecordDecoder decoder = RecordDecoder.NATIVE;
        private String createdBy = "distillery";
        private List<String> inputs = List.of();
        private WriteMode mode = WriteMode.CREATE;
        private long maxShardRecords = 1_000_000;
        private long maxShardBytes = 512L << 20;
        private int flushEvery = 1000;

        private Builder(Path dir) {
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        /**
         * Shards in another format than Distillery's own (an export); the manifest records the name. The decoder is
         * needed to recount a shard when appending after a crash.
         */
        public Builder format(String name, RecordEncoder encoder, RecordDecoder decoder) {
            this.format = Objects.requireNonNull(name, "name");
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        public Builder createdBy(String createdBy) {
            this.createdBy = createdBy;
            return this;
        }

        /** The datasets or files this one is derived from, for the lineage summary. */
        public Builder inputs(List<String> inputs) {
            this.inputs = List.copyOf(inputs);
            return this;
        }

        public Builder mode(WriteMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Start a new shard after this many records (default 1,000,000). */
        public Builder maxShardRecords(long n) {
            if (n < 1) throw new IllegalArgumentException("maxShardRecords must be >= 1, got " + n);
            this.maxShardRecords = n;
            return this;
        }

        /** Start a new shard after this many bytes (default 512 MiB). */
        public Builder maxShardBytes(long n) {
            if (n < 1) throw new IllegalArgumentException("maxShardBytes must be >= 1, got " + n);
            this.maxShardBytes = n;
            return this;
        }

        /** Hand records to the OS every this many records (default 1000): the most a kill can lose. */
        public Builder flushEvery(int n) {
            if (n < 1) throw new IllegalArgumentException("flushEvery must be >= 1, got " + n);
            this.flushEvery = n;
            return this;
        }

        public DatasetWriter open() {
            return new DatasetWriter(this);
        }
    }
}
