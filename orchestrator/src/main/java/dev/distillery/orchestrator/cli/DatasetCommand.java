package dev.distillery.orchestrator.cli;

import dev.distillery.orchestrator.cli.dataset.ConvertCommand;
import dev.distillery.orchestrator.cli.dataset.DecontaminateCommand;
import dev.distillery.orchestrator.cli.dataset.DedupCommand;
import dev.distillery.orchestrator.cli.dataset.FormatsCommand;
import dev.distillery.orchestrator.cli.dataset.RepairCommand;
import dev.distillery.orchestrator.cli.dataset.SplitCommand;
import dev.distillery.orchestrator.cli.dataset.StatsCommand;
import picocli.CommandLine.Command;

/** {@code distillery dataset ...}: inspect, convert and clean datasets. */
@Command(name = "dataset",
        mixinStandardHelpOptions = true,
        description = "Inspect, convert and clean datasets (JSONL files, .jsonl.gz, or dataset directories).",
        subcommands = {StatsCommand.class, ConvertCommand.class, DedupCommand.class, DecontaminateCommand.class,
                SplitCommand.class, RepairCommand.class, FormatsCommand.class},
        footer = {"", "Examples:",
                "  distillery dataset stats data/train.jsonl",
                "  distillery dataset convert alpaca.jsonl --to trl-messages -o sft.jsonl",
                "  distillery dataset dedup sft.jsonl -o sft.dedup.jsonl --mode minhash",
                "  distillery dataset decontaminate sft.jsonl --against eval.jsonl -o sft.clean.jsonl",
                "  distillery dataset split sft.jsonl -o splits --ratios 0.9,0.05,0.05"})
public class DatasetCommand {
}
