package dev.distillery.orchestrator.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A cheap stamp of a file or directory (total size, newest modification time, file count): enough to notice that a
 * source changed between two attempts of a run without hashing its content. A missing path has an empty stamp (the
 * stage then fails with the reader's own message).
 */
record FileStamp(long bytes, long newestModifiedMillis, long files) {

    static FileStamp of(Path path) {
        if (!Files.exists(path)) return new FileStamp(0, 0, 0);
        try (Stream<Path> walk = Files.walk(path)) {
            long bytes = 0, newest = 0, files = 0;
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                bytes += Files.size(p);
                newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
                files++;
            }
            return new FileStamp(bytes, newest, files);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot stamp: " + e.getMessage(), e);
        }
    }
}
