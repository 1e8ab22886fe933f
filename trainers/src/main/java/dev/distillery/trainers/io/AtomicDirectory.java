package dev.distillery.trainers.io;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Builds a directory under a temporary sibling name and renames it into place, so readers never see a half-written
 * model. An existing non-empty target is refused rather than replaced: deleting a user's directory is not ours to do.
 */
final class AtomicDirectory {

    interface Filler {
        void fill(Path tmp) throws IOException;
    }

    private AtomicDirectory() {
    }

    static void publish(Path target, Filler filler) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !isEmptyDirectory(abs)) {
            throw new ModelFormatException(abs + ": exists and is not an empty directory; refusing to overwrite");
        }
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            filler.fill(tmp);
            Files.deleteIfExists(abs);   // only an empty directory can be here
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (DirectoryNotEmptyException e) {
            FileTrees.delete(tmp);
            throw new ModelFormatException(abs + ": became non-empty while writing; refusing to overwrite", e);
        } catch (IOException | RuntimeException e) {
            FileTrees.delete(tmp);
            throw e;
        }
    }

    private static boolean isEmptyDirectory(Path p) throws IOException {
        if (!Files.isDirectory(p)) return false;
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }
}
