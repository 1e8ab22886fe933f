package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.clean.DecontaminationReport;
import dev.distillery.datasets.clean.Decontaminator;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.io.DatasetException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code distillery dataset decontaminate}: drop training records that overlap evaluation items. */
@Command(name = "decontaminate", mixinStandardHelpOptions = true,
        description = {"Remove training records whose prompt covers too much of an evaluation item "
                + "(Tulu 3 semantics: share of the eval item's words covered by shared word n-grams).",
                "Writes a JSON report of which evaluation item matched which training record."},
        footer = {"", "Examples:",
                "  distillery dataset decontaminate sft.jsonl --against gsm8k-test.jsonl -o sft.clean.jsonl",
                "  distillery dataset decontaminate sft/ --against eval1.jsonl eval2.jsonl -o sft-clean/ --ngram 13"})
public class DecontaminateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "Training data: a JSONL file or a dataset directory.")
    Path input;

    @Option(names = "--against", required = true, arity = "1..*", paramLabel = "EVAL",
            description = "Evaluation files or datasets (any format; their prompts are what is protected).")
    List<Path> evals;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file or directory.")
    Path output;

    @Option(names = "--ngram", defaultValue = "8", description = "Word n-gram size (default: ${DEFAULT-VALUE}).")
    int ngram;

    @Option(names = "--threshold", defaultValue = "0.5",
            description = "Remove when more than this share of an eval item is covered (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--full-text", description = "Match the training records' answers too, not only their prompts.")
    boolean fullText;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Where the match report goes (default: OUT.contamination.json).")
    Path reportPath;

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
        var builder = Decontaminator.builder().ngramSize(ngram).threshold(threshold).includeFullText(fullText);
        for (Path eval : evals) builder.evalSet(eval.getFileName().toString(), Datasets.input(eval, null));
        Decontaminator decontaminator = builder.build();
        try (InputSession in = new InputSession(input, inputOptions, OutputPaths.beside(output, "rejects"),
                spec.commandLine().getErr())) {
            String format = to != null ? to : in.input().format().name();
            var options = outputOptions.writeOptions("distillery dataset decontaminate", input);
            DecontaminationReport report;
            try (Datasets.Output kept = Datasets.output(output, format, options);
                 Datasets.Output goneOut = removed == null ? null : Datasets.output(removed, format, options)) {
                report = decontaminator.run(in, kept, goneOut == null ? RecordSink.discard() : goneOut);
                kept.commit();
                if (goneOut != null) goneOut.commit();
                kept.losses().lines().forEach(l -> out.println("note: " + l));
            }
            Path reportFile = reportPath != null ? reportPath
                    : output.resolveSibling(output.getFileName().toString().replaceFirst("\\.jsonl(\\.gz)?$", "")
                    + ".contamination.json");
            writeReport(reportFile, report);
            out.printf("read %,d, kept %,d, removed %,d contaminated (>%.0f%% of an eval item covered by shared "
                            + "%d-grams; %d eval items indexed)%n", report.read(), report.kept(), report.removed(),
                    threshold * 100, ngram, decontaminator.evalItems());
            Map<String, Long> perSet = new TreeMap<>();
            report.matches().forEach(m -> perSet.merge(m.evalSet(), 1L, Long::sum));
            perSet.forEach((set, n) -> out.printf("  %s: %,d match(es)%n", set, n));
            report.matches().stream().limit(5).forEach(m -> out.printf("  %s item %d matched training record %s "
                    + "(coverage %.2f)%n", m.evalSet(), m.evalIndex(), m.trainingId(), m.coverage()));
            out.println("report -> " + reportFile);
            in.reportSkipped(out);
        }
        return 0;
    }

    private static void writeReport(Path file, DecontaminationReport report) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(file, Json.pretty(report));
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot write report: " + e.getMessage(), e);
        }
    }
}
