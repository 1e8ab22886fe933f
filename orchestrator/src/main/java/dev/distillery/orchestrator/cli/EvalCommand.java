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

/** {@code distillery eval} and {@code distillery score}: held-out loss, perplexity and answer accuracy. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a local model on held-out data with reference answers (chats ending with the answer, "
                + "prompt/completion, or preference pairs): loss and perplexity of the references, and with "
                + "--verifier the accuracy of its own answers (greedy, or sampled with --temperature and --seed).",
                "Writes a JSON report."},
        footer = {"", "Examples:",
                "  distillery eval target/sft-tiny/out/model --data heldout.jsonl --verifier number -o report.json",
                "  distillery eval models/base --adapter out/adapter --data test.jsonl    # loss and perplexity only"})
public class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalModelOptions modelOptions;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Evaluation data in any format Distillery reads.")
    Path data;

    @Option(names = "--verifier", paramLabel = "NAME", description = "exact, normalized or number: also measure accuracy.")
    String verifier;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Answer length cap (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the JSON report here.")
    Path output;

    @Override
    public Integer call() throws IOException {
        List<DataRecord> records = new ArrayList<>();
        try (RecordIterator it = Datasets.input(data, null).open()) {
            it.forEachRemaining(records::add);
        }
        Evaluation.Verifier v = verifier == null ? null : Evaluation.Verifier.parse(verifier);
        ObjectNode report;
        try (LocalModel model = modelOptions.open()) {
            report = Evaluation.run(model, records, v, new Evaluation.Decoding(maxNewTokens, temperature, 1, seed));
        }
        report.put("data", data.toString());
        var out = spec.commandLine().getOut();
        out.printf("%s on %,d records: loss %.4f, perplexity %.3f%s%n", report.get("model").asText(),
                records.size(), report.get("loss").asDouble(), report.get("perplexity").asDouble(),
                v == null ? "" : String.format(", accuracy %.1f%% (%s)", 100 * report.get("accuracy").asDouble(), verifier));
        if (output != null) {
            Files.writeString(output, Json.pretty(report));
            out.println("report -> " + output);
        }
        return 0;
    }
}
