package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.store.DatasetWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** How an output is written: an existing output is refused unless told otherwise. */
public class OutputOptions {

    @ArgGroup(exclusive = true)
    Existing existing = new Existing();

    static class Existing {
        @Option(names = "--overwrite", description = "Replace an existing output.")
        boolean overwrite;

        @Option(names = "--append", description = "Append to an existing dataset directory (resumes after a crash).")
        boolean append;
    }

    /** Write options for an output made by {@code command} from {@code input}, recorded in its manifest. */
    Datasets.WriteOptions writeOptions(String command, Path input) {
        return Datasets.WriteOptions.defaults().withMode(mode()).withCreatedBy(command)
                .withInputs(List.of(input.toString()));
    }

    DatasetWriter.WriteMode mode() {
        if (existing.overwrite) return DatasetWriter.WriteMode.OVERWRITE;
        if (existing.append) return DatasetWriter.WriteMode.APPEND;
        return DatasetWriter.WriteMode.CREATE;
    }
}
