package dev.distillery.orchestrator.cli;

import dev.distillery.datasets.spi.Plugins;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

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
                "  distillery --plugins examples/custom-flow/target run examples/custom-flow/pipeline.yaml",
                "", "Every command has --help with examples."})
public class DistilleryCommand {

    @Spec
    CommandSpec spec;

    /**
     * {@code --plugins DIR}, before or after the sub-command's name: installed while the command line is parsed,
     * so that the sub-command (and the spec validation it does first) already sees the plugins.
     */
    @Option(names = "--plugins", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Load flows, judges, verifiers, stage kinds and record formats from every *.jar in DIR "
                    + "(one class loader of their own; a rebuilt jar is reloaded at the start of the next run). "
                    + "Also the config key distillery.plugins.")
    void plugins(Path dir) {
        try {
            Plugins.use(dir);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--plugins: " + e.getMessage());
        }
    }
}
