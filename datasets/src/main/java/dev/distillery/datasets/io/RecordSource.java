package dev.distillery.datasets.io;

import dev.distillery.datasets.model.DataRecord;

import java.util.List;

/**
 * Something records can be read from, any number of times: a dataset directory, a JSONL file in some format, a list.
 * Each {@link #open()} starts a fresh pass, which is what two-pass algorithms (stratified splits) need.
 *
 * <pre>{@code
 * try (RecordIterator it = source.open()) {
 *     while (it.hasNext()) handle(it.next());
 * }
 * }</pre>
 */
public interface RecordSource {

    /** Starts a new pass over the records. */
    RecordIterator open();

    /** A short human description for messages, e.g. the path. */
    String describe();

    /** A source over records already in memory (tests, small generated sets). */
    static RecordSource of(List<DataRecord> records) {
        List<DataRecord> copy = List.copyOf(records);
        return new RecordSource() {
            @Override
            public RecordIterator open() {
                return RecordIterator.of(copy.iterator());
            }

            @Override
            public String describe() {
                return copy.size() + " records in memory";
            }
        };
    }
}
