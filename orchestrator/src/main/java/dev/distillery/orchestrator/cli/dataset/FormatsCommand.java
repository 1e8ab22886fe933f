package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.format.Formats;
import dev.distillery.datasets.format.RecordFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code distillery dataset formats}: the formats convert and every reader understand. */
@Command(name = "formats", mixinStandardHelpOptions = true,
        description = "List the data formats (built-in and plugins) with a one-line description each.",
        footer = {"", "Examples:", "  distillery dataset formats"})
public class FormatsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (RecordFormat f : Formats.all()) {
            spec.commandLine().getOut().printf("  %-18s %s%n", f.name(), f.description());
        }
        return 0;
    }
}
