package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.clean.SplitReport;
import dev.distillery.datasets.clean.Splitter;
import dev.distillery.datasets.io.RecordSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code distillery dataset split}: seeded, optionally stratified train/validation/test splits. */
@Command(name = "split", mixinStandardHelpOptions = true,
        description = {"Split into parts with exact, seeded proportions (the same seed gives the same split).",
                "A file input gives DIR/<name>.jsonl files; a dataset directory input gives DIR/<name>/ datasets.",
                "--stratify-by keeps each value's share equal across parts (a JSON path into the record, e.g. "
                        + "kind, lineage.flow, source.fields.category)."},
        footer = {"", "Examples:",
                "  distillery dataset split sft.jsonl -o splits --ratios 0.9,0.05,0.05",
                "  distillery dataset split sft/ -o splits --ratios 0.8,0.2 --names train,test --seed 7",
                "  distillery dataset split mixed.jsonl -o splits --ratios 0.9,0.1 --names train,eval --stratify-by kind"})
public class SplitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "A JSONL file (.jsonl, .jsonl.gz) or a dataset directory.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Directory for the parts.")
    Path output;

    @Option(names = "--ratios", required = true, split = ",", paramLabel = "R",
            description = "Shares of the parts, summing to 1, e.g. 0.9,0.05,0.05.")
    double[] ratios;

    @Option(names = "--names", split = ",", paramLabel = "NAME",
            description = "Part names (default: train,validation,test for three parts, train,test for two, "
                    + "else part-1,part-2,...).")
    String[] names;

    @Option(names = "--seed", defaultValue = "42", description = "Shuffle seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stratify-by", paramLabel = "FIELD", description = "JSON path of the field to stratify by.")
    String stratifyBy;

    @Option(names = "--to", paramLabel = "FORMAT", description = "Output format (default: the input's).")
    String to;

    @Mixin
    InputOptions inputOptions;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String[] partNames = names != null ? names : defaultNames(ratios.length);
        if (partNames.length != ratios.length) {
            throw new IllegalArgumentException("--names has " + partNames.length + " names but --ratios has "
                    + ratios.length + " values");
        }
        var builder = Splitter.builder().ratios(ratios).names(partNames).seed(seed);
        if (stratifyBy != null) builder.stratifyBy(stratifyBy);
        Splitter splitter = builder.build();
        try (InputSession in = new InputSession(input, inputOptions, output.resolve("rejects.jsonl"),
                spec.commandLine().getErr())) {
            String format = to != null ? to : in.input().format().name();
            boolean asDatasets = Files.isDirectory(input);
            var options = outputOptions.writeOptions("distillery dataset split --seed " + seed, input);
            Map<String, Datasets.Output> parts = new LinkedHashMap<>();
            SplitReport report;
            try {
                for (String name : partNames) {
                    parts.put(name, Datasets.output(output.resolve(asDatasets ? name : name + ".jsonl"), format, options));
                }
                report = splitter.run(in, new LinkedHashMap<String, RecordSink>(parts));
                parts.values().forEach(Datasets.Output::commit);
            } finally {
                parts.values().forEach(Datasets.Output::close);
            }
            out.printf("split %,d records into %s (seed %d%s):%n", report.total(), output, seed,
                    stratifyBy == null ? "" : ", stratified by " + stratifyBy);
            for (var e : parts.entrySet()) {
                out.printf("  %-12s %,10d  -> %s%n", e.getKey(), report.counts().getOrDefault(e.getKey(), 0L),
                        e.getValue().path());
            }
            if (stratifyBy != null) {
                report.byStratum().forEach((stratum, counts) -> out.printf("  %s: %s%n", stratum, counts));
            }
            parts.values().stream().findFirst().ifPresent(p -> p.losses().lines().forEach(l -> out.println("note: " + l)));
            in.reportSkipped(out);
        }
        return 0;
    }

    private static String[] defaultNames(int n) {
        if (n == 3) return new String[]{"train", "validation", "test"};
        if (n == 2) return new String[]{"train", "test"};
        String[] names = new String[n];
        for (int i = 0; i < n; i++) names[i] = "part-" + (i + 1);
        return names;
    }
}
