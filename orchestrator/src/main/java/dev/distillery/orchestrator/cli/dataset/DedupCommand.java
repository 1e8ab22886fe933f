package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.clean.DedupKey;
import dev.distillery.datasets.clean.DedupReport;
import dev.distillery.datasets.clean.ExactDedup;
import dev.distillery.datasets.clean.MinHashDedup;
import dev.distillery.datasets.io.RecordSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code distillery dataset dedup}: exact or near-duplicate removal. */
@Command(name = "dedup", mixinStandardHelpOptions = true,
        description = {"Remove duplicates, keeping the first occurrence.",
                "exact: normalised text (NFKC, lower case, no punctuation, collapsed spaces) hashed to 128 bits.",
                "minhash: near-duplicates by MinHash-LSH over word 5-grams, every candidate verified by its exact "
                        + "Jaccard similarity, so nothing below --threshold is removed."},
        footer = {"", "Examples:",
                "  distillery dataset dedup sft.jsonl -o sft.dedup.jsonl",
                "  distillery dataset dedup sft.jsonl -o sft.near.jsonl --mode minhash --threshold 0.8",
                "  distillery dataset dedup prefs/ -o prefs-dedup/ --key prompt --removed removed.jsonl"})
public class DedupCommand implements Callable<Integer> {

    enum Mode { exact, minhash }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "A JSONL file (.jsonl, .jsonl.gz) or a dataset directory.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file or directory.")
    Path output;

    @Option(names = "--mode", defaultValue = "exact", description = "exact or minhash (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--key", defaultValue = "FULL",
            description = "What is compared: FULL (prompt and answers) or PROMPT (default: ${DEFAULT-VALUE}).")
    DedupKey key;

    @Option(names = "--threshold", defaultValue = "0.7",
            description = "minhash: Jaccard similarity at or above which two records are duplicates (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--ngram", defaultValue = "5", description = "minhash: word n-gram size (default: ${DEFAULT-VALUE}).")
    int ngram;

    @Option(names = "--permutations", defaultValue = "128",
            description = "minhash: signature length; more is more accurate and slower (default: ${DEFAULT-VALUE}).")
    int permutations;

    @Option(names = "--to", paramLabel = "FORMAT", description = "Output format (default: the input's).")
    String to;

    @Option(names = "--removed", paramLabel = "FILE", description = "Also write the removed records here.")
    Path removed;

    @Mixin
    InputOptions inputOptions;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (InputSession in = new InputSession(input, inputOptions, OutputPaths.beside(output, "rejects"),
                spec.commandLine().getErr())) {
            String format = to != null ? to : in.input().format().name();
            var options = outputOptions.writeOptions("distillery dataset dedup --mode " + mode, input);
            DedupReport report;
            String how;
            try (Datasets.Output kept = Datasets.output(output, format, options);
                 Datasets.Output goneOut = removed == null ? null : Datasets.output(removed, format, options)) {
                RecordSink gone = goneOut == null ? RecordSink.discard() : goneOut;
                if (mode == Mode.exact) {
                    report = ExactDedup.builder().key(key).build().run(in, kept, gone);
                    how = "exact duplicates of normalised " + key.name().toLowerCase() + " text";
                } else {
                    MinHashDedup dedup = MinHashDedup.builder().key(key).threshold(threshold).ngramSize(ngram)
                            .numPermutations(permutations).build();
                    report = dedup.run(in, kept, gone);
                    how = String.format("near-duplicates, Jaccard >= %.2f on word %d-grams (%d permutations, %s)",
                            threshold, ngram, permutations, dedup.lsh());
                }
                kept.commit();
                if (goneOut != null) goneOut.commit();
                kept.losses().lines().forEach(l -> out.println("note: " + l));
            }
            out.printf("read %,d, kept %,d, removed %,d %s%n", report.read(), report.kept(), report.removed(), how);
            report.examples().stream().limit(5).forEach(d -> out.printf("  removed %s (duplicate of %s, similarity %.2f)%n",
                    d.removedId(), d.keptId(), d.similarity()));
            if (removed != null) out.println("removed records -> " + removed);
            in.reportSkipped(out);
        }
        return 0;
    }
}
