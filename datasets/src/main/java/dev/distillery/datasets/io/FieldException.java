package dev.distillery.datasets.io;

/**
 * A value in one row is wrong: thrown by format decoders, which know the field but not the file; the reader adds
 * file and line and turns it into an {@link InvalidRecordException}.
 */
public class FieldException extends RuntimeException {

    private final String field;

    /**
     * @param field   the JSON path of the offending field, e.g. {@code messages[2].role}; null for the whole row
     * @param problem what is wrong and what was expected
     */
    public FieldException(String field, String problem) {
        super(problem);
        this.field = field;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return getMessage();
    }
}
