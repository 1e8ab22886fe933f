package dev.distillery.datasets.clean;

import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;

import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Streams a source in batches: the per-record work (normalising, hashing, signatures) runs in parallel on the
 * common fork-join pool, then the results are consumed one by one in input order. Order-dependent decisions
 * (which copy is "first") therefore stay deterministic while the expensive part uses every core.
 */
final class Batches {

    static final int DEFAULT_SIZE = 1024;

    interface Consumer<T> {
        void accept(DataRecord record, T prepared);
    }

    private Batches() {
    }

    static <T> void run(RecordSource source, int batchSize, Function<DataRecord, T> prepare, Consumer<T> consume) {
        DataRecord[] batch = new DataRecord[batchSize];
        Object[] prepared = new Object[batchSize];
        try (RecordIterator it = source.open()) {
            while (it.hasNext()) {
                int n = 0;
                while (n < batchSize && it.hasNext()) {
                    batch[n++] = it.next();
                }
                if (n < 64) {
                    for (int i = 0; i < n; i++) {
                        prepared[i] = prepare.apply(batch[i]);
                    }
                } else {
                    IntStream.range(0, n).parallel().forEach(i -> prepared[i] = prepare.apply(batch[i]));
                }
                for (int i = 0; i < n; i++) {
                    @SuppressWarnings("unchecked")
                    T p = (T) prepared[i];
                    consume.accept(batch[i], p);
                    batch[i] = null;
                    prepared[i] = null;
                }
            }
        }
    }
}
