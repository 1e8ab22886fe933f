package dev.distillery.orchestrator.cli.dataset;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How an input is read: its format, and what happens to lines that are not valid records. */
public class InputOptions {

    @Option(names = "--from", paramLabel = "FORMAT",
            description = "Input format (default: from the manifest, or detected from the first lines). "
                    + "See `distillery dataset formats`.")
    String from;

    @Option(names = "--skip-invalid",
            description = "Write invalid lines, with their error, to a rejects file and go on, instead of stopping "
                    + "at the first one. The count is reported.")
    boolean skipInvalid;

    @Option(names = "--rejects", paramLabel = "FILE",
            description = "Rejects file for --skip-invalid (default: next to the output, or ./rejects.jsonl).")
    Path rejects;
}
