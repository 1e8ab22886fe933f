package dev.distillery.datasets.store;

import dev.distillery.datasets.io.InvalidRecordException;

/**
 * What a reader does with a line it cannot use. The default rethrows, so bad data stops the run with a message
 * naming file, line and field; {@link RejectsFile} keeps the line and its error instead (the {@code --skip-invalid}
 * behaviour). Nothing is ever dropped without one of the two.
 */
@FunctionalInterface
public interface InvalidRecordHandler {

    /**
     * @param error the problem, with file, line and field
     * @param line  the raw line as it was in the file, decoded leniently (malformed bytes replaced)
     */
    void reject(InvalidRecordException error, String line);

    InvalidRecordHandler FAIL = (error, line) -> {
        throw error;
    };
}
