package dev.distillery.datasets.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.json.Json;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a dataset directory: what the shards hold and how to check them.
 *
 * @param version   manifest layout version
 * @param format    record format of the shards ({@code distillery} for native records)
 * @param kind      the records' kind when all share one, else {@code mixed}; null when empty
 * @param kinds     record count per kind
 * @param records   total record count
 * @param complete  false while a writer has the dataset open; a reader seeing false knows the writer may have been
 *                  killed and trusts the shards, not these counts
 * @param createdBy the command or component that wrote it
 * @param createdAt ISO-8601 time of creation
 * @param updatedAt ISO-8601 time of the last close
 * @param shards    the shard files in read order
 * @param lineage   summary of where the records came from
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(int version, String format, String kind, Map<String, Long> kinds, long records,
                       boolean complete, String createdBy, String createdAt, String updatedAt, List<Shard> shards,
                       LineageSummary lineage) {

    public static final String FILE_NAME = "manifest.json";
    public static final int VERSION = 1;

    public Manifest {
        kinds = kinds == null ? Map.of() : Map.copyOf(kinds);
        shards = shards == null ? List.of() : List.copyOf(shards);
        lineage = lineage == null ? LineageSummary.EMPTY : lineage;
    }

    /**
     * One shard file.
     *
     * @param file    file name inside the dataset directory
     * @param records number of records (lines) in it
     * @param bytes   file size in bytes
     * @param sha256  SHA-256 of the file's bytes, checked while reading
     */
    public record Shard(String file, long records, long bytes, String sha256) {
    }

    /** Reads {@code dir/manifest.json}; a directory without one is not a dataset, and the message says so. */
    public static Manifest read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            return Json.MAPPER.readValue(file.toFile(), Manifest.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new DatasetException(dir + ": not a dataset directory (no " + FILE_NAME + "). A dataset is a "
                    + "directory of JSONL shards plus " + FILE_NAME + "; to read a single JSONL file, pass the file.");
        } catch (IOException e) {
            throw new DatasetException(file + ": unreadable manifest: " + e.getMessage(), e);
        }
    }

    /** Replaces {@code dir/manifest.json} atomically: readers see the old or the new manifest, never half of one. */
    public void write(Path dir) {
        Path target = dir.resolve(FILE_NAME);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try {
            Files.write(tmp, Json.pretty(this).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DatasetException(target + ": cannot write manifest: " + e.getMessage(), e);
        }
    }
}
