package dev.distillery.orchestrator.spec;

import dev.distillery.datasets.spi.Names;
import dev.distillery.datasets.spi.Plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import static dev.distillery.orchestrator.spec.StageKind.Setting.choice;
import static dev.distillery.orchestrator.spec.StageKind.Setting.optional;
import static dev.distillery.orchestrator.spec.StageKind.Setting.required;
import static dev.distillery.orchestrator.spec.StageKind.ValueType.BOOLEAN;
import static dev.distillery.orchestrator.spec.StageKind.ValueType.INTEGER;
import static dev.distillery.orchestrator.spec.StageKind.ValueType.NUMBER;
import static dev.distillery.orchestrator.spec.StageKind.ValueType.OBJECT;
import static dev.distillery.orchestrator.spec.StageKind.ValueType.STRING;
import static dev.distillery.orchestrator.spec.StageKind.ValueType.STRING_LIST;

/**
 * The stage kinds a spec may use: the built-in ones below plus any {@link StageKind} plugin.
 *
 * <pre>{@code StageKind k = StageKinds.byName("flow");}</pre>
 */
public final class StageKinds {
    private StageKinds() {
    }

    /** A kind declared by its settings and an optional extra check. */
    private record Declared(String name, String description, List<Setting> settings, int minInputs, int maxInputs,
                            BiFunction<StageSpec, SpecCatalog, List<Issue>> extra) implements StageKind {
        @Override
        public List<Issue> check(StageSpec stage, SpecCatalog catalog) {
            return extra == null ? List.of() : extra.apply(stage, catalog);
        }
    }

    private static final int ANY = Integer.MAX_VALUE;

    static final List<StageKind> BUILT_IN = List.of(
            new Declared("source", "Reads records from a file or dataset directory in any format Distillery reads.",
                    List.of(required("path", STRING, "JSONL file (.jsonl, .jsonl.gz) or dataset directory"),
                            optional("format", STRING, "record format (default: detected)"),
                            optional("limit", INTEGER, "read at most this many records")),
                    0, 0, (s, c) -> formatIssue(s, c, "format")),
            new Declared("flow", "Runs a generation flow (a plugin) over its inputs with the stage's models.",
                    List.of(required("flow", STRING, "flow name, see `distillery plugins`"),
                            optional("settings", OBJECT, "the flow's own parameters"),
                            optional("templates", STRING, "directory whose files override the flow's prompt templates")),
                    0, ANY, (s, c) -> nameIssue(s, "flow", c.flows(), "flow")),
            new Declared("judge", "Scores every input record with a judge, verifier or filter (scores stored on the record).",
                    List.of(required("judge", STRING, "judge name, see `distillery plugins`"),
                            optional("settings", OBJECT, "the judge's own parameters"),
                            optional("prompts", STRING, "directory whose files override the judge's prompts")),
                    1, ANY, (s, c) -> nameIssue(s, "judge", c.judges(), "judge")),
            new Declared("filter", "Keeps records whose scores pass: a minimum/maximum score, and checks that must pass.",
                    List.of(optional("score", STRING, "the judge whose score is compared"),
                            optional("min", NUMBER, "keep records scoring at least this"),
                            optional("max", NUMBER, "keep records scoring at most this"),
                            optional("require", STRING_LIST, "verifiers/filters whose score must be 1")),
                    1, ANY, StageKinds::filterIssues),
            new Declared("dedup", "Drops duplicates: exact (normalised text), near (MinHash-LSH) or semantic (MiniLM embeddings).",
                    List.of(choice("method", false, "default minhash", "exact", "minhash", "semantic"),
                            optional("threshold", NUMBER, "Jaccard similarity for minhash (default 0.7), cosine for "
                                    + "semantic (default 0.9)"),
                            choice("field", false, "what is compared: text (the whole record, default) or prompt "
                                    + "(one answer per distinct question)", "text", "prompt")),
                    1, ANY, (s, c) -> rangeIssue(s, "threshold", 0, 1)),
            new Declared("decontaminate", "Drops records that share long n-grams with evaluation sets.",
                    List.of(required("against", STRING_LIST, "evaluation files or dataset directories"),
                            optional("ngram", INTEGER, "n-gram length in words (default 13)")),
                    1, ANY, null),
            new Declared("select-pairs", "Builds preference pairs from scored candidates of the same prompt.",
                    List.of(choice("strategy", true, "how the two answers are chosen", "best-vs-worst",
                                    "best-vs-random", "pass-vs-fail", "teacher-vs-student"),
                            optional("score", STRING, "the judge whose score ranks candidates"),
                            optional("teacher", STRING, "teacher-vs-student: the teacher's model id in the lineage"),
                            optional("student", STRING, "teacher-vs-student: the student's model id in the lineage"),
                            optional("min_margin", NUMBER, "skip pairs whose scores differ by less"),
                            optional("drop_ties", BOOLEAN, "skip pairs with equal scores (default true)")),
                    1, ANY, null),
            new Declared("export", "Writes its inputs to a file in a training format.",
                    List.of(required("path", STRING, "output file"),
                            required("format", STRING, "record format, e.g. trl-messages, trl-dpo, openai-chat, sharegpt")),
                    1, ANY, (s, c) -> formatIssue(s, c, "format")),
            new Declared("train", "Trains the student (SFT or DPO) on its input, with a trainer job file or inline job; "
                    + "a train stage among the inputs supplies the base model (training continues from it).",
                    List.of(optional("job", STRING, "trainer job YAML (see docs/trainer.md); its dataset is replaced by the input"),
                            optional("train", OBJECT, "the job inline, same fields as a job file")),
                    0, 2, StageKinds::trainIssues),
            new Declared("eval", "Evaluates a model on held-out data: loss, perplexity and verified accuracy.",
                    List.of(required("data", STRING, "evaluation file"),
                            optional("model_path", STRING, "model directory (default: the output of the input train stage)"),
                            choice("verifier", false, "how answers are checked", "exact", "normalized", "number"),
                            optional("max_new_tokens", INTEGER, "answer length cap (default 64)"),
                            optional("group_by", STRING, "a data column (e.g. skill): accuracy per group with bootstrap "
                                    + "95% intervals"),
                            choice("model", false, "with an input train stage: the model it trained (default) or the "
                                    + "base it started from", "trained", "base")),
                    0, 1, null),
            new Declared("sample", "Samples n answers per prompt from a local model, by default the one an input train "
                    + "stage made (on-policy candidates); tracks the answers' diversity.",
                    List.of(optional("n", INTEGER, "answers per prompt (default 4)"),
                            optional("temperature", NUMBER, "sampling temperature (default 1.0)"),
                            optional("top_p", NUMBER, "nucleus sampling (default 1.0)"),
                            optional("max_new_tokens", INTEGER, "answer length cap (default 64)"),
                            optional("batch_size", INTEGER, "sequences decoded together (default 16)"),
                            optional("model_path", STRING, "model directory (default: the input train stage's model)")),
                    1, ANY, (s, c) -> rangeIssue(s, "temperature", 0, 10)),
            new Declared("allocate", "Spends a generation budget across groups by choosing pool records: in proportion to "
                    + "the student's error per group (from an input eval stage), or uniformly.",
                    List.of(required("total", INTEGER, "records to choose in all (the generation budget)"),
                            required("group_by", STRING, "the data column that names a record's group (e.g. skill)"),
                            choice("mode", false, "default student-aware", "student-aware", "uniform"),
                            optional("floor", NUMBER, "smallest share of the budget any group gets (default 0.05)")),
                    2, ANY, (s, c) -> rangeIssue(s, "floor", 0, 1)),
            new Declared("report", "Writes the run's table: accuracy per group after each input eval stage with bootstrap "
                    + "intervals, every stage's counts, tokens and wall time, sample diversity, judge agreement.",
                    List.of(optional("path", STRING, "also write the Markdown table here"),
                            optional("agreement", StageKind.ValueType.ANY, "list of {stage, judge, reference, threshold}: precision and "
                                    + "recall of a judge's pass against a reference verifier on a stage's records"),
                            optional("compare", StageKind.ValueType.ANY, "list of [eval-a, eval-b] pairs: the difference in "
                                    + "accuracy on the same items, with a paired bootstrap 95% interval")),
                    1, ANY, null));

    /** Built-in kinds first, then plugins; a plugin cannot replace a built-in. */
    public static Map<String, StageKind> all() {
        Map<String, StageKind> byName = new LinkedHashMap<>();
        for (StageKind k : BUILT_IN) byName.put(k.name(), k);
        for (StageKind k : Plugins.load(StageKind.class)) byName.putIfAbsent(k.name(), k);
        return byName;
    }

    /** The kind named {@code name}; an unknown name says which known kind is closest. */
    public static StageKind byName(String name) {
        Map<String, StageKind> all = all();
        StageKind k = all.get(name);
        if (k == null) {
            throw new IllegalArgumentException("unknown stage kind '" + name + "'" + Names.didYouMean(name, all.keySet())
                    + " Known kinds: " + String.join(", ", all.keySet()));
        }
        return k;
    }

    private static List<StageKind.Issue> nameIssue(StageSpec s, String field, Set<String> known, String what) {
        Object v = s.setting(field);
        if (known == null || !(v instanceof String name) || known.contains(name)) return List.of();
        return List.of(new StageKind.Issue(field, "unknown " + what + " '" + name + "'" + Names.didYouMean(name, known)));
    }

    private static List<StageKind.Issue> formatIssue(StageSpec s, SpecCatalog c, String field) {
        return nameIssue(s, field, c.formats(), "format");
    }

    private static List<StageKind.Issue> rangeIssue(StageSpec s, String field, double min, double max) {
        Object v = s.setting(field);
        if (v instanceof Number n && (n.doubleValue() < min || n.doubleValue() > max)) {
            return List.of(new StageKind.Issue(field, "must be in [" + min + ", " + max + "], got " + n));
        }
        return List.of();
    }

    private static List<StageKind.Issue> filterIssues(StageSpec s, SpecCatalog c) {
        List<StageKind.Issue> out = new ArrayList<>();
        boolean bound = s.setting("min") != null || s.setting("max") != null;
        if (bound && s.setting("score") == null) {
            out.add(new StageKind.Issue("score", "required with min or max: the judge whose score is compared"));
        }
        if (!bound && s.setting("require") == null) {
            out.add(new StageKind.Issue("", "a filter needs min/max with a score, or require"));
        }
        return out;
    }

    private static List<StageKind.Issue> trainIssues(StageSpec s, SpecCatalog c) {
        if ((s.setting("job") == null) == (s.setting("train") == null)) {
            return List.of(new StageKind.Issue("job", "give exactly one of job (a file) or train (inline)"));
        }
        return List.of();
    }
}
