package dev.distillery.orchestrator.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.json.JsonErrors;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.judges.Judged;
import dev.distillery.judges.Judges;
import dev.distillery.judges.report.JudgedItem;
import dev.distillery.judges.report.JudgedItemReader;
import dev.distillery.judges.report.ReportCard;
import dev.distillery.judges.report.ReportCards;
import dev.distillery.judges.report.ReportOptions;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.Judge;
import dev.distillery.orchestrator.models.ChatModels;
import dev.distillery.orchestrator.spec.ModelSpec;
import dev.langchain4j.model.chat.ChatModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code distillery judge ...}: run a judge over a dataset, and measure a judge against labels. */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Score records with a judge, verifier or filter, and compute a judge's report card.",
        subcommands = {JudgeCommand.Run.class, JudgeCommand.Report.class},
        footer = {"", "Examples:",
                "  distillery judge run --judge judge.yaml --data answers.jsonl -o judged.jsonl",
                "  distillery judge report --data judged.jsonl --judge single-grade --reference human"})
public class JudgeCommand {

    /**
     * A judge config file: which provider, its settings, the models it calls (in order: a jury's jurors), and an
     * optional prompt override directory. Keys are snake_case, like pipeline specs.
     */
    record JudgeFile(String judge, Map<String, Object> settings, Map<String, ModelSpec> models, String prompts) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    static JudgeFile readConfig(Path file) {
        JudgeFile f;
        try {
            f = YAML.readValue(file.toFile(), JudgeFile.class);
        } catch (JsonMappingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new IllegalArgumentException(file + (line > 0 ? ":" + line : "") + ": field '"
                    + JsonErrors.path(e.getPath()) + "': " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the judge config: " + e.getMessage());
        }
        if (f == null || f.judge() == null) throw new IllegalArgumentException(file + ": field 'judge': required");
        return f;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Score every record of a dataset; each verdict is stored as a score under the judge's name.",
                    "A verdict that could not be obtained (unparseable, model failure) adds no score: the record is "
                            + "written unscored and OUT.failures.jsonl says why, with the raw output."},
            footer = {"", "Judge config (YAML):",
                    "  judge: single-grade            # see `distillery plugins --section judges`",
                    "  settings: {reference: auto}",
                    "  models:",
                    "    grader: {provider: openai, model: gpt-4o-mini, api_key_env: OPENAI_API_KEY}",
                    "", "Examples:",
                    "  distillery judge run --judge judge.yaml --data answers.jsonl -o judged.jsonl --concurrency 16"})
    static class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--judge", required = true, paramLabel = "CONFIG", description = "Judge config (YAML).")
        Path config;

        @Option(names = "--data", required = true, paramLabel = "IN", description = "Records to judge, any format.")
        Path data;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Judged records (JSONL).")
        Path output;

        @Option(names = "--concurrency", defaultValue = "8", description = "Records judged at once (default: ${DEFAULT-VALUE}).")
        int concurrency;

        @Override
        public Integer call() throws Exception {
            if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be at least 1");
            JudgeFile f = readConfig(config);
            JudgeProvider provider = Judges.provider(f.judge());
            Path base = config.toAbsolutePath().getParent();
            Map<String, ModelSpec> models = f.models() == null ? Map.of() : new LinkedHashMap<>(f.models());
            try (ChatModels chat = new ChatModels(models, base)) {
                List<ChatModel> list = new ArrayList<>();
                for (String name : models.keySet()) list.add(chat.get(name));
                JudgeConfig jc = new JudgeConfig(f.settings(), list,
                        f.prompts() == null ? null : base.resolve(f.prompts()), config.toString());
                Judge single = provider.kind() == JudgeProvider.Kind.PAIRWISE ? null : provider.createJudge(jc);
                PairwiseJudge pair = provider.kind() == JudgeProvider.Kind.PAIRWISE ? provider.createPairwise(jc) : null;
                return judgeAll(single, pair);
            }
        }

        private int judgeAll(Judge single, PairwiseJudge pair) throws Exception {
            Path failures = output.resolveSibling(output.getFileName() + ".failures.jsonl");
            long scored = 0, failed = 0, total = 0;
            // Results are written in input order: a bounded window of futures, oldest first.
            java.util.ArrayDeque<Future<Judged<?>>> pending = new java.util.ArrayDeque<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
                 Datasets.Output out = Datasets.output(output, "distillery", Datasets.WriteOptions.defaults());
                 BufferedWriter fail = Files.newBufferedWriter(failures);
                 RecordIterator it = Datasets.input(data, null).open()) {
                while (it.hasNext() || !pending.isEmpty()) {
                    if (it.hasNext() && pending.size() < concurrency) {
                        DataRecord r = it.next();
                        pending.add(pool.submit(() -> single != null ? Judges.apply(single, r) : Judges.apply(pair, r)));
                        continue;
                    }
                    Judged<?> j = pending.poll().get();
                    total++;
                    // Every record goes on, scored or not: a failed verdict adds no score, it is not a low score.
                    out.write(j.record());
                    if (j.scored()) {
                        scored++;
                    } else {
                        failed++;
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("id", j.record().id());
                        row.put("reason", j.failureReason());
                        row.put("raw", j.failureRawOutput());
                        fail.write(Json.string(row));
                        fail.newLine();
                    }
                }
                out.commit();
            }
            spec.commandLine().getOut().printf("judged %,d record(s): %,d scored, %,d failed (reasons in %s) -> %s%n",
                    total, scored, failed, failures, output);
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"A judge's report card against labels or another judge: accuracy (with and without ties), "
                    + "Cohen's and weighted kappa, Fleiss' kappa for juries, Spearman and Kendall, swap consistency, "
                    + "length bias, calibration (ECE), each with a bootstrap confidence interval.",
                    "Scored mode compares two scores on the same records; pairwise mode reads preference records whose "
                            + "judge score is its preference for chosen (1 chosen, 0 rejected, 0.5 tie)."},
            footer = {"", "Examples:",
                    "  distillery judge report --data judged.jsonl --judge single-grade --reference human",
                    "  distillery judge report --data pairs.jsonl --judge pairwise --pairwise --json -o card.json"})
    static class Report implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "FILE", description = "Judged records, any format.")
        Path data;

        @Option(names = "--judge", required = true, paramLabel = "NAME", description = "Score name of the judge.")
        String judge;

        @Option(names = "--reference", paramLabel = "NAME",
                description = "Score name of the labels (scored mode; in pairwise mode the default is the pair's own label).")
        String reference;

        @Option(names = "--pairwise", description = "Preference records judged pairwise.")
        boolean pairwise;

        @Option(names = "--probability", paramLabel = "NAME", description = "Score holding the judge's probability (for ECE).")
        String probability;

        @Option(names = "--jury", paramLabel = "NAME", split = ",", description = "Juror score names (Fleiss' kappa).")
        List<String> jury = new ArrayList<>();

        @Option(names = "--resamples", defaultValue = "1000", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
        int resamples;

        @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--json", description = "Print JSON instead of a text table.")
        boolean json;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report there too.")
        Path output;

        @Option(names = "--plot", paramLabel = "FILE", description = "Write plot-ready JSON (reliability diagram, confusion matrix, histograms).")
        Path plot;

        @Override
        public Integer call() throws IOException {
            if (!pairwise && reference == null) {
                throw new IllegalArgumentException("--reference is required unless --pairwise (the score holding the labels)");
            }
            JudgedItemReader.Builder b = pairwise ? JudgedItemReader.pairwise(judge) : JudgedItemReader.scored(judge, reference);
            if (pairwise && reference != null) b.reference(reference);
            if (probability != null) b.probability(probability);
            if (!jury.isEmpty()) b.jury(jury.toArray(String[]::new));
            List<JudgedItem> items = b.build().read(Datasets.input(data, null));
            ReportCard card = ReportCards.compute(judge, reference == null ? "label" : reference, items,
                    ReportOptions.builder().resamples(resamples).seed(seed).build());
            String text = json ? ReportCards.json(card) : ReportCards.text(card);
            spec.commandLine().getOut().println(text);
            if (output != null) Files.writeString(output, text);
            if (plot != null) Files.writeString(plot, ReportCards.plotJson(card));
            return 0;
        }
    }
}
