package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.clean.DatasetStats;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.store.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code distillery dataset stats}: counts, lengths, diversity and score histograms of a dataset. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Print statistics: record counts by kind, length percentiles (characters and words), "
                + "distinct n-gram ratios, chat turns, token lengths and judge score histograms.",
        footer = {"", "Examples:",
                "  distillery dataset stats data/train.jsonl",
                "  distillery dataset stats runs/r1/sft --json > stats.json",
                "  distillery dataset stats messy.jsonl --skip-invalid --rejects bad.jsonl"})
public class StatsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "A JSONL file (.jsonl, .jsonl.gz) or a dataset directory.")
    Path input;

    @Option(names = "--json", description = "Print machine-readable JSON instead of a table.")
    boolean json;

    @Mixin
    InputOptions inputOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (InputSession in = new InputSession(input, inputOptions, Path.of("rejects.jsonl"), err)) {
            DatasetStats.Stats stats = DatasetStats.compute(in);
            if (json) {
                var node = Json.MAPPER.valueToTree(stats);
                ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("format", in.input().format().name());
                out.println(Json.pretty(node));
            } else {
                out.println(input + " (" + in.input().format().name() + ")");
                if (Files.isDirectory(input)) {
                    Manifest m = Manifest.read(input);
                    out.printf("dataset: %d shard(s), %s, created by %s at %s%n", m.shards().size(),
                            m.complete() ? "complete" : "NOT closed (writer running or killed)", m.createdBy(),
                            m.createdAt());
                }
                String table = stats.render();
                out.print(table.endsWith("\n") ? table : table + "\n");
                in.reportSkipped(out);
            }
            out.flush();
        }
        return 0;
    }
}
