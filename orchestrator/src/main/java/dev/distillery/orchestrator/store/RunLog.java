package dev.distillery.orchestrator.store;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A run's log file ({@code logs/run.log}): one line per call, secrets masked, flushed at once so that a killed run
 * keeps every line it wrote. Thread-safe.
 *
 * <p>Usage: {@code try (RunLog log = store.runDirectory(id).openLog()) { log.info("generate", "started"); }}
 */
public final class RunLog implements AutoCloseable {

    private final Path file;
    private final Secrets secrets;
    private final BufferedWriter out;

    private RunLog(Path file, Secrets secrets, BufferedWriter out) {
        this.file = file;
        this.secrets = secrets;
        this.out = out;
    }

    static RunLog open(Path file, Secrets secrets) {
        try {
            Files.createDirectories(file.getParent());
            return new RunLog(file, secrets, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open run log " + file, e);
        }
    }

    public void info(String stage, String message) {
        append("INFO", stage, message);
    }

    public void warn(String stage, String message) {
        append("WARN", stage, message);
    }

    public void error(String stage, String message) {
        append("ERROR", stage, message);
    }

    /** Appends {@code <time> <level> [<stage>] <message>}; line breaks inside the message are kept on one line. */
    public synchronized void append(String level, String stage, String message) {
        String line = Instant.now() + " " + level + " [" + (stage == null ? "-" : stage) + "] "
                + secrets.mask(String.valueOf(message)).replace("\r", "\\r").replace("\n", "\\n");
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run log " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close run log " + file, e);
        }
    }
}
