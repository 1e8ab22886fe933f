package dev.distillery.judges.reward;

import java.nio.file.Path;

/** A reward-model head file cannot be read or does not fit the embedder; the message names the file and field. */
public class HeadFileException extends RuntimeException {

    private final Path file;
    private final String field;

    public HeadFileException(Path file, String field, String problem) {
        this(file, field, problem, null);
    }

    public HeadFileException(Path file, String field, String problem, Throwable cause) {
        super(file + (field == null ? "" : ": field '" + field + "'") + ": " + problem, cause);
        this.file = file;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    /** The offending field, or null when the whole file is the problem (missing, not JSON). */
    public String field() {
        return field;
    }
}
