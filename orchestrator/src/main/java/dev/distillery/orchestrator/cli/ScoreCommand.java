package dev.distillery.orchestrator.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.trainers.eval.Evaluation;
import dev.distillery.trainers.runtime.LocalModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code distillery score}: log-probability of reference answers under a local model, and perplexity. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score the reference answers of a dataset under a local model (the trainer's exact float32 "
                + "forward): mean loss per answer token and perplexity, as JSON with --json or -o.",
        footer = {"", "Examples:",
                "  distillery score target/sft-tiny/out/model --data heldout.jsonl",
                "  distillery score models/base --adapter out/adapter --data test.jsonl --json"})
public class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalModelOptions modelOptions;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Data in any format Distillery reads.")
    Path data;

    @Option(names = "--json", description = "Print the JSON report instead of a line.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the JSON report here.")
    Path output;

    @Override
    public Integer call() throws IOException {
        List<DataRecord> records = new ArrayList<>();
        try (RecordIterator it = Datasets.input(data, null).open()) {
            it.forEachRemaining(records::add);
        }
        ObjectNode report;
        try (LocalModel model = modelOptions.open()) {
            report = Evaluation.run(model, records, null, Evaluation.Decoding.greedy(1));
        }
        report.put("data", data.toString());
        var out = spec.commandLine().getOut();
        if (json) out.println(Json.pretty(report));
        else out.printf("%,d records, %,d answer tokens: loss %.4f, perplexity %.3f%n", records.size(),
                report.get("reference_tokens").asLong(), report.get("loss").asDouble(), report.get("perplexity").asDouble());
        if (output != null) Files.writeString(output, Json.pretty(report));
        return 0;
    }
}
