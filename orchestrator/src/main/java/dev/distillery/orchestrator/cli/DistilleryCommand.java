package dev.distillery.orchestrator.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/**
 * The {@code distillery} command line: the top of every sub-command.
 *
 * <pre>distillery --help</pre>
 */
@TopCommand
@Command(name = "distillery",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "LLM post-training in Java: synthetic data, judges, SFT/DPO on local hardware.",
        subcommands = {RunCommands.Run.class, RunCommands.Resume.class, RunCommands.Runs.class,
                RunCommands.Status.class, RunCommands.Cancel.class, ServeCommand.class, SandboxCommand.class, DatasetCommand.class, TrainCommand.class, ModelCommand.class, GenerateCommand.class,
                ScoreCommand.class, EvalCommand.class, JudgeCommand.class, RewardModelCommand.class, PluginsCommand.class, SpecCommand.class},
        footer = {"", "Examples:",
                "  distillery dataset stats data/train.jsonl",
                "  distillery dataset convert alpaca.jsonl --to trl-messages -o sft/",
                "  distillery model init -o models/tiny",
                "  distillery train examples/sft-tiny.yaml",
                "", "Every command has --help with examples."})
public class DistilleryCommand {
}
