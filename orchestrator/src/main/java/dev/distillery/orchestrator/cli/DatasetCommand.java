package dev.distillery.orchestrator.cli;

import picocli.CommandLine.Command;

/** {@code distillery dataset ...}: inspect, convert and clean datasets. */
@Command(name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Inspect, convert and clean datasets (JSONL files, .jsonl.gz, or dataset directories).",
        subcommands = {})
public class DatasetCommand {
}
