package dev.distillery.orchestrator.cli;

import dev.distillery.datasets.json.Json;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code distillery spec ...}: check pipeline specs and print their JSON Schema. */
@Command(name = "spec", mixinStandardHelpOptions = true,
        description = "Validate pipeline specs and print the JSON Schema editors use to complete them.",
        subcommands = {SpecCommand.Validate.class, SpecCommand.Schema.class},
        footer = {"", "Examples:",
                "  distillery spec validate examples/docs-to-sft.yaml",
                "  distillery spec schema > pipeline.schema.json"})
public class SpecCommand {

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check a pipeline spec without running it: every problem is listed with its line and path.",
                    "Exit code 1 when the spec has problems."},
            footer = {"", "Examples:", "  distillery spec validate pipeline.yaml",
                    "  distillery spec validate pipeline.yaml --check-env --print"})
    static class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "SPEC", description = "Pipeline spec (YAML).")
        Path file;

        @Option(names = "--check-env", description = "Also check that the API-key environment variables are set.")
        boolean checkEnv;

        @Option(names = "--print", description = "Print the spec as it was understood (normalised YAML).")
        boolean print;

        @Override
        public Integer call() {
            SpecCatalog catalog = SpecCatalog.installed();
            if (checkEnv) catalog = catalog.withEnvironment(System.getenv());
            PipelineSpec p = PipelineSpecs.read(file, catalog);
            if (print) spec.commandLine().getOut().print(PipelineSpecs.toYaml(p));
            spec.commandLine().getOut().printf("%s: ok (%d stages, %d models)%n", file, p.stages().size(), p.models().size());
            return 0;
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Print the JSON Schema (2020-12) of pipeline specs.",
            footer = {"", "Examples:", "  distillery spec schema > pipeline.schema.json",
                    "  # VS Code (YAML extension): # yaml-language-server: $schema=./pipeline.schema.json"})
    static class Schema implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println(Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(PipelineSpecs.schema()));
            return 0;
        }
    }
}
