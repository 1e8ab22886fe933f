package dev.distillery.datasets.store;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A dataset directory opened for reading: its manifest and a streaming pass over its shards.
 *
 * <pre>{@code
 * Dataset ds = Dataset.open(Path.of("runs/r1/sft"));
 * System.out.println(ds.manifest().records() + " records");
 * try (RecordIterator it = ds.open()) { while (it.hasNext()) use(it.next()); }
 * }</pre>
 *
 * <p>A dataset whose writer is still open, or was killed, has {@code complete: false} in its manifest: its shards are
 * read as they are on disk (with a warning), a partial last line is skipped, and finished shards are still checked
 * against their hashes.
 */
public final class Dataset implements RecordSource {

    private static final System.Logger LOG = System.getLogger(Dataset.class.getName());

    private final Path dir;
    private final Manifest manifest;
    private final RecordDecoder decoder;

    private Dataset(Path dir, Manifest manifest, RecordDecoder decoder) {
        this.dir = dir;
        this.manifest = manifest;
        this.decoder = decoder;
    }

    /** Opens a dataset of Distillery's own records. */
    public static Dataset open(Path dir) {
        Manifest m = Manifest.read(dir);
        if (!"distillery".equals(m.format())) {
            throw new DatasetException(dir + ": holds '" + m.format() + "' records; open it through "
                    + "dev.distillery.datasets.Datasets, which knows every format.");
        }
        return new Dataset(dir, m, RecordDecoder.NATIVE);
    }

    /** Opens a dataset whose shards are in the manifest's format, decoded by {@code decoder}. */
    public static Dataset open(Path dir, RecordDecoder decoder) {
        return new Dataset(dir, Manifest.read(dir), decoder);
    }

    public static boolean isDataset(Path path) {
        return Files.isDirectory(path) && Files.exists(path.resolve(Manifest.FILE_NAME));
    }

    /**
     * Rescans every shard (repairing a partial last line), and writes a complete manifest that matches the files:
     * for a dataset whose writer was killed, or whose shards were edited on purpose.
     */
    public static Manifest repair(Path dir, RecordDecoder decoder) {
        if (!Files.isDirectory(dir)) throw new DatasetException(dir + ": not a directory");
        Manifest recovered = DatasetRecovery.recover(dir, null, decoder, true);
        Manifest complete = new Manifest(recovered.version(), recovered.format() == null ? "distillery" : recovered.format(),
                recovered.kind(), recovered.kinds(), recovered.records(), true, recovered.createdBy(),
                recovered.createdAt(), recovered.updatedAt(), recovered.shards(), recovered.lineage());
        complete.write(dir);
        return complete;
    }

    public Manifest manifest() {
        return manifest;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public RecordIterator open() {
        return open(InvalidRecordHandler.FAIL, new ReadStats());
    }

    /** A pass that hands bad lines to {@code onInvalid} and counts what it read into {@code stats}. */
    public RecordIterator open(InvalidRecordHandler onInvalid, ReadStats stats) {
        List<Path> files = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        if (manifest.complete()) {
            for (Manifest.Shard s : manifest.shards()) {
                Path f = dir.resolve(s.file());
                if (!Files.exists(f)) {
                    throw new DatasetException(dir + ": shard " + s.file() + " is listed in the manifest but missing.");
                }
                files.add(f);
                hashes.add(s.sha256());
            }
        } else {
            LOG.log(System.Logger.Level.WARNING, dir + ": dataset was not closed (writer still running or killed); "
                    + "reading its shards as they are. Reopen it for appending or run `distillery dataset repair` "
                    + "to finalise it.");
            var vouched = new java.util.HashMap<String, String>();
            for (Manifest.Shard s : manifest.shards()) vouched.put(s.file(), s.sha256());
            for (Path f : ShardFiles.list(dir)) {
                files.add(f);
                hashes.add(vouched.get(f.getFileName().toString()));
            }
        }
        return new ShardChain(files, hashes, onInvalid, stats);
    }

    /** Reads shard after shard, opening each only when the previous one is exhausted. */
    private final class ShardChain implements RecordIterator {
        private final Iterator<Path> files;
        private final Iterator<String> hashes;
        private final InvalidRecordHandler onInvalid;
        private final ReadStats stats;
        private RecordIterator current;

        ShardChain(List<Path> files, List<String> hashes, InvalidRecordHandler onInvalid, ReadStats stats) {
            this.files = files.iterator();
            this.hashes = hashes.iterator();
            this.onInvalid = onInvalid;
            this.stats = stats;
        }

        @Override
        public boolean hasNext() {
            while (current == null || !current.hasNext()) {
                if (current != null) current.close();
                current = null;
                if (!files.hasNext()) return false;
                current = new JsonlFileReader(files.next(), decoder, onInvalid, stats, hashes.next());
            }
            return true;
        }

        @Override
        public DataRecord next() {
            if (!hasNext()) throw new NoSuchElementException();
            return current.next();
        }

        @Override
        public void close() {
            if (current != null) current.close();
        }
    }
}
