package dev.distillery.orchestrator.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * One run's directory and the only way to reach files inside it: {@code spec.yaml} (the resolved spec, secrets
 * masked), {@code stages/<stage>/} (each stage's dataset) and {@code logs/run.log}. Every path handed in from
 * outside goes through {@link #resolve(String)}, which refuses anything that would leave the directory.
 *
 * <p>Usage: {@code Path sample = store.runDirectory(runId).resolve(request.path());}
 */
public final class RunDirectory {

    /** Stage names become directory names: one plain segment, no dots at the start, no separators. */
    private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path root;
    private final Secrets secrets;

    RunDirectory(Path root, Secrets secrets) {
        this.root = root.toAbsolutePath().normalize();
        this.secrets = secrets;
    }

    /** A run directory at {@code root} (made absolute) that masks secrets with {@code secrets} when it writes. */
    public static RunDirectory at(Path root, Secrets secrets) {
        return new RunDirectory(root, secrets);
    }

    public Path root() {
        return root;
    }

    /** {@code spec.yaml}: the resolved spec this run executes, secrets masked. */
    public Path specFile() {
        return root.resolve("spec.yaml");
    }

    /** {@code logs/run.log}. */
    public Path logFile() {
        return root.resolve("logs").resolve("run.log");
    }

    /** {@code stages/<stage>/}, the stage's dataset directory; the stage name must be a single plain segment. */
    public Path stageDir(String stage) {
        if (stage == null || !STAGE_NAME.matcher(stage).matches()) {
            throw new IllegalArgumentException("stage name '" + stage
                    + "' cannot name a directory: use letters, digits, '.', '_' or '-' (at most 128, not starting with '.')");
        }
        return resolve("stages/" + stage);
    }

    /** Creates the directory layout (idempotent). */
    public RunDirectory create() {
        try {
            Files.createDirectories(root.resolve("stages"));
            Files.createDirectories(root.resolve("logs"));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + root, e);
        }
    }

    /** Writes the spec copy atomically (temporary file, then rename), secrets masked. */
    public Path writeSpec(String resolvedSpecYaml) {
        Path target = specFile();
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempFile(root, ".spec", ".tmp");
            Files.writeString(tmp, secrets.mask(resolvedSpecYaml), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Opens the run log for appending; every line is masked before it is written. */
    public RunLog openLog() {
        return RunLog.open(logFile(), secrets);
    }

    /**
     * The path {@code relative} names inside this directory. Refused with {@link UnsafePathException}: absolute paths,
     * any {@code ..} segment, NUL characters, and paths whose existing part resolves through a symbolic link to
     * somewhere outside the run directory.
     */
    public Path resolve(String relative) {
        if (relative == null) {
            throw new UnsafePathException("null", "no path given");
        }
        if (relative.indexOf('\0') >= 0) {
            throw new UnsafePathException(relative, "contains a NUL character");
        }
        String unified = relative.replace('\\', '/');
        if (unified.startsWith("/") || unified.matches("^[A-Za-z]:.*") || Path.of(relative).isAbsolute()) {
            throw new UnsafePathException(relative, "absolute paths are not allowed; give a path relative to the run directory");
        }
        for (String segment : unified.split("/")) {
            if (segment.equals("..")) {
                throw new UnsafePathException(relative, "'..' would leave the run directory");
            }
        }
        Path candidate = root.resolve(unified).normalize();
        if (!candidate.startsWith(root)) {
            throw new UnsafePathException(relative, "resolves outside the run directory");
        }
        checkNoLinkOut(relative, candidate);
        return candidate;
    }

    /** The deepest part of the path that exists must, links followed, still be inside the run directory. */
    private void checkNoLinkOut(String relative, Path candidate) {
        try {
            Path realRoot = Files.exists(root) ? root.toRealPath() : root;
            Path existing = candidate;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing == null || !existing.startsWith(root)) {
                return; // nothing of it exists yet inside the root: no link to follow
            }
            if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
                throw new UnsafePathException(relative, "passes through a dangling symbolic link");
            }
            Path real = existing.toRealPath();
            if (!real.startsWith(realRoot)) {
                throw new UnsafePathException(relative, "a symbolic link leads outside the run directory (to " + real + ")");
            }
        } catch (IOException e) {
            throw new UnsafePathException(relative, "cannot be checked: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
