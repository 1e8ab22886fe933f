package dev.distillery.trainers.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deleting a directory tree: the one place the trainer removes files (stale temporary directories, outputs a resumed
 * run rewrites, checkpoints beyond the kept ones).
 *
 * <pre>{@code FileTrees.delete(Path.of("out/checkpoints/step-000010"));}</pre>
 */
public final class FileTrees {

    private FileTrees() {
    }

    /** Deletes {@code root} and everything below it; nothing happens when it does not exist. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
