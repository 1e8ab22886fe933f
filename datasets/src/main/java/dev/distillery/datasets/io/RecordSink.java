package dev.distillery.datasets.io;

import dev.distillery.datasets.model.DataRecord;

import java.util.List;

/** Where records go: a dataset writer, a file in some training format, a list. */
public interface RecordSink extends AutoCloseable {

    void write(DataRecord record);

    /** Makes everything written so far durable and complete (manifest, last shard). */
    @Override
    void close();

    /** A sink that collects into {@code target}; for tests and small in-memory results. */
    static RecordSink into(List<DataRecord> target) {
        return new RecordSink() {
            @Override
            public void write(DataRecord record) {
                target.add(record);
            }

            @Override
            public void close() {
            }
        };
    }

    /** A sink that drops everything, for results nobody asked to keep. */
    static RecordSink discard() {
        return new RecordSink() {
            @Override
            public void write(DataRecord record) {
            }

            @Override
            public void close() {
            }
        };
    }
}
