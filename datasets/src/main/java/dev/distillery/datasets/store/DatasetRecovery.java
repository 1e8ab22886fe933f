package dev.distillery.datasets.store;

import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.RecordIterator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Brings a dataset directory back to a consistent state after a writer was killed: partial last lines are repaired,
 * shards the manifest does not vouch for are counted, hashed and summarised again, and the result is a manifest
 * that matches the files exactly.
 */
final class DatasetRecovery {

    private static final System.Logger LOG = System.getLogger(DatasetRecovery.class.getName());

    private DatasetRecovery() {
    }

    /**
     * @param format   the format the caller will write; must match the manifest's
     * @param decoder  decodes that format, to recount kinds and lineage of unvouched shards
     * @param rescanAll rescan every shard, also those the manifest vouches for ({@code dataset repair})
     */
    static Manifest recover(Path dir, String format, RecordDecoder decoder, boolean rescanAll) {
        Manifest old = Files.exists(dir.resolve(Manifest.FILE_NAME)) ? Manifest.read(dir) : null;
        if (old != null && format != null && !old.format().equals(format)) {
            throw new DatasetException(dir + ": holds records in format '" + old.format() + "', cannot append '"
                    + format + "' records to it.");
        }
        Map<String, Manifest.Shard> vouched = new java.util.HashMap<>();
        if (old != null && !rescanAll) {
            for (Manifest.Shard s : old.shards()) vouched.put(s.file(), s);
        }
        List<Path> files = ShardFiles.list(dir);
        if (old != null) {
            for (Manifest.Shard s : old.shards()) {
                if (!Files.exists(dir.resolve(s.file())) && rescanAll) {
                    LOG.log(System.Logger.Level.WARNING, dir + ": shard " + s.file() + " is listed in the manifest "
                            + "but missing; the repaired manifest no longer lists it.");
                } else if (!Files.exists(dir.resolve(s.file()))) {
                    throw new DatasetException(dir + ": shard " + s.file() + " is listed in the manifest but missing; "
                            + "the dataset is incomplete. Restore the file, or run `distillery dataset repair` to "
                            + "accept the dataset without it.");
                }
            }
        }
        List<Manifest.Shard> shards = new ArrayList<>();
        List<Path> rescanned = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            Manifest.Shard known = vouched.get(name);
            if (known != null && sizeOf(file) == known.bytes()) {
                shards.add(known);
                continue;
            }
            ShardFiles.repairTail(file);
            shards.add(ShardFiles.scan(file));
            rescanned.add(file);
        }
        LineageSummary base = vouched.isEmpty() || old == null ? LineageSummary.EMPTY : old.lineage();
        Map<String, Long> baseKinds = vouched.isEmpty() || old == null ? Map.of() : old.kinds();
        var summary = new LineageSummary.Builder(base, baseKinds, List.of());
        for (Path file : rescanned) {
            try (RecordIterator it = new JsonlFileReader(file, decoder, InvalidRecordHandler.FAIL, new ReadStats(), null)) {
                while (it.hasNext()) summary.add(it.next());
            }
        }
        if (!rescanned.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, dir + ": recovered " + rescanned.size() + " shard(s) not vouched for by "
                    + "the manifest");
        }
        long records = shards.stream().mapToLong(Manifest.Shard::records).sum();
        Map<String, Long> kinds = summary.kinds();
        String kind = kinds.isEmpty() ? null : kinds.size() == 1 ? kinds.keySet().iterator().next() : "mixed";
        String fmt = old != null ? old.format() : format;
        return new Manifest(Manifest.VERSION, fmt, kind, kinds, records, false,
                old == null ? "distillery dataset repair" : old.createdBy(),
                old == null ? java.time.Instant.now().toString() : old.createdAt(),
                java.time.Instant.now().toString(), shards, summary.build());
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot stat: " + e.getMessage(), e);
        }
    }
}
