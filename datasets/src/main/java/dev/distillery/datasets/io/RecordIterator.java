package dev.distillery.datasets.io;

import dev.distillery.datasets.model.DataRecord;

import java.util.Iterator;

/** One streaming pass over records; close it to release the file behind it. */
public interface RecordIterator extends Iterator<DataRecord>, AutoCloseable {

    @Override
    void close();

    static RecordIterator of(Iterator<DataRecord> records) {
        return new RecordIterator() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public DataRecord next() {
                return records.next();
            }

            @Override
            public void close() {
            }
        };
    }
}
