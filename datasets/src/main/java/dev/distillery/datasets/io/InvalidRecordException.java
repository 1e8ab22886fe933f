package dev.distillery.datasets.io;

import java.nio.file.Path;

/**
 * One row of an input cannot be used. The message names file, line and field:
 * {@code data/train.jsonl:17: field 'messages[2].role': unknown role 'bot', expected one of system, user, ...}.
 */
public class InvalidRecordException extends DatasetException {

    private final Path file;
    private final long line;
    private final String field;
    private final String problem;

    public InvalidRecordException(Path file, long line, String field, String problem) {
        super(format(file, line, field, problem));
        this.file = file;
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    private static String format(Path file, long line, String field, String problem) {
        return file + ":" + line + ": " + (field == null || field.isEmpty() ? "" : "field '" + field + "': ") + problem;
    }

    public Path file() {
        return file;
    }

    public long line() {
        return line;
    }

    /** JSON path of the offending field, or null when the whole line is wrong (not JSON, not UTF-8). */
    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
