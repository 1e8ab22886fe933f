package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a stage's dataset file in the tests. */
final class Records {

    private Records() {
    }

    static List<DataRecord> read(Path file) {
        List<DataRecord> out = new ArrayList<>();
        try (RecordIterator it = Datasets.input(file, "distillery").open()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
