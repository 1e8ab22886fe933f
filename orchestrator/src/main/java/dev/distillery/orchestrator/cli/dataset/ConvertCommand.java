package dev.distillery.orchestrator.cli.dataset;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.format.CannotCarryException;
import dev.distillery.datasets.format.Formats;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.io.InvalidRecordException;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.store.RejectsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code distillery dataset convert}: from one training-data format to another. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert between training-data formats. The input format is detected (or --from).",
                "Output is a single file when OUT ends in .jsonl/.jsonl.gz, otherwise a dataset directory.",
                "What the target format cannot carry (ids, lineage, scores, extra columns) is reported once, "
                        + "with a count; records it cannot represent at all stop the command (or, with "
                        + "--skip-invalid, go to the rejects file)."},
        footer = {"", "Examples:",
                "  distillery dataset convert alpaca.jsonl --to trl-messages -o sft.jsonl",
                "  distillery dataset convert prefs.jsonl --to openai-dpo -o openai/prefs.jsonl",
                "  distillery dataset convert sharegpt.jsonl.gz --to distillery -o datasets/chat",
                "", "Formats: distillery dataset formats"})
public class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "A JSONL file (.jsonl, .jsonl.gz) or a dataset directory.")
    Path input;

    @Option(names = "--to", required = true, paramLabel = "FORMAT", description = "Target format.")
    String to;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file or directory.")
    Path output;

    @Mixin
    InputOptions inputOptions;

    @Mixin
    OutputOptions outputOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Formats.byName(to); // an unknown name fails before anything is read or created
        Path rejectsPath = inputOptions.rejects != null ? inputOptions.rejects : OutputPaths.beside(output, "rejects");
        long read = 0;
        long unwritable = 0;
        try (InputSession in = new InputSession(input, inputOptions, rejectsPath, err);
             RejectsFile unwritableRejects = new RejectsFile(OutputPaths.beside(output, "unconverted"))) {
            try (Datasets.Output sink = Datasets.output(output, to, outputOptions.writeOptions("distillery dataset convert", input));
                 RecordIterator it = in.open()) {
                while (it.hasNext()) {
                    DataRecord r = it.next();
                    read++;
                    try {
                        sink.write(r);
                    } catch (CannotCarryException e) {
                        if (!inputOptions.skipInvalid) {
                            throw new DatasetException(input + ": record " + read + " (id " + r.id() + "): "
                                    + e.getMessage() + ". Use --skip-invalid to set such records aside.");
                        }
                        unwritable++;
                        unwritableRejects.reject(new InvalidRecordException(input, read, "payload", e.getMessage()),
                                Json.string(r));
                    }
                }
                sink.commit();
                out.printf("converted %,d of %,d records: %s (%s) -> %s (%s)%n", sink.written(), read, input,
                        in.input().format().name(), output, to);
                for (String line : sink.losses().lines()) out.println("note: " + line);
            }
            if (unwritable > 0) {
                out.printf("set aside %,d record(s) that %s cannot represent -> %s%n", unwritable, to,
                        unwritableRejects.path());
            }
            in.reportSkipped(out);
        }
        return 0;
    }
}
