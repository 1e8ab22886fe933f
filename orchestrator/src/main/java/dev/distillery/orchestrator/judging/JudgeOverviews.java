package dev.distillery.orchestrator.judging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Score;
import dev.distillery.judges.Judges;
import dev.distillery.judges.report.JudgedItem;
import dev.distillery.judges.report.JudgedItemReader;
import dev.distillery.judges.report.ReportCard;
import dev.distillery.judges.report.ReportCards;
import dev.distillery.judges.report.ReportOptions;
import dev.distillery.judges.select.GroupKey;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.StageSpec;
import dev.distillery.orchestrator.store.RunDirectory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Computes a run's {@link JudgeOverview} from its run directory: one bounded streaming pass over each judge stage's
 * records (and over the records of its inputs, to tell the scores the stage wrote from those it inherited), then
 * report cards from the judges module's {@link ReportCards} where a reference is on the same records.
 *
 * <p>Which score is a reference: the names given to {@link Builder#references}; without them, every score that no
 * judge stage of the run wrote (a label that came with the source data, such as {@code human}) and every score a
 * verifier stage wrote. A judge score gets a card against each reference it shares records with; a verifier's score
 * only against a verifier stage after it (the later check measures the earlier screen) or a label. A pairwise judge
 * on preference records also gets a card against the dataset's own preference (chosen beats rejected).
 *
 * <pre>{@code
 * JudgeOverview o = JudgeOverviews.builder(store.runDirectory(id), spec).limit(10_000).build().compute(id, statuses);
 * }</pre>
 */
public final class JudgeOverviews {

    /** The name a card gives the dataset's own preference label when it is the reference. */
    public static final String DATASET_PREFERENCE = "dataset preference (chosen wins)";
    private static final int TOP_REASONS = 5;
    private static final int REASON_CHARS = 300;

    private final RunDirectory dir;
    private final PipelineSpec spec;
    private final long limit;
    private final List<String> references;
    private final ReportOptions cardOptions;
    private final int maxCategories;
    private final int bins;

    private JudgeOverviews(Builder b) {
        dir = b.dir;
        spec = b.spec;
        limit = b.limit;
        references = List.copyOf(b.references);
        cardOptions = ReportOptions.builder().resamples(b.resamples).seed(b.seed).build();
        maxCategories = b.maxCategories;
        bins = b.bins;
    }

    public static Builder builder(RunDirectory dir, PipelineSpec spec) {
        return new Builder(dir, spec);
    }

    /** Settings of an overview; every one has a default. */
    public static final class Builder {
        private final RunDirectory dir;
        private final PipelineSpec spec;
        private long limit = 10_000;
        private List<String> references = List.of();
        private int resamples = 1000;
        private long seed = 20240601L;
        private int maxCategories = 12;
        private int bins = 20;

        private Builder(RunDirectory dir, PipelineSpec spec) {
            this.dir = Objects.requireNonNull(dir, "dir");
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** Records read per stage (default 10,000): bounds the work of one request on any size of run. */
        public Builder limit(long v) {
            if (v < 1) throw new IllegalArgumentException("limit must be at least 1, got " + v);
            limit = v;
            return this;
        }

        /** Score names to measure every judge against, instead of the automatic choice (see the class comment). */
        public Builder references(List<String> names) {
            references = names == null ? List.of() : names.stream().filter(n -> n != null && !n.isBlank()).toList();
            return this;
        }

        /** Bootstrap resamples of each report card (default 1,000; 0 gives point estimates only). */
        public Builder resamples(int v) {
            if (v < 0) throw new IllegalArgumentException("resamples cannot be negative, got " + v);
            resamples = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** A score with at most this many distinct values is drawn one bar per value (default 12). */
        public Builder maxCategories(int v) {
            maxCategories = v;
            return this;
        }

        /** Bars of a continuous score's histogram (default 20). */
        public Builder bins(int v) {
            if (v < 1) throw new IllegalArgumentException("bins must be at least 1, got " + v);
            bins = v;
            return this;
        }

        public JudgeOverviews build() {
            return new JudgeOverviews(this);
        }
    }

    /** One record as far as judging goes: its id, its prompt group (for the bootstrap) and its scores. */
    private record Row(String id, String group, Map<String, Double> scores, boolean preference) {
    }

    /** A bounded read of one stage. */
    private record Scan(List<Row> rows, Set<String> names, boolean truncated) {
    }

    /**
     * The overview of run {@code runId}.
     *
     * @param statuses stage name to its status in the run store; a stage absent from it has not started
     */
    public JudgeOverview compute(String runId, Map<String, String> statuses) {
        List<StageSpec> judgeStages = spec.stages().stream().filter(s -> s.kind().equals("judge")).toList();
        Map<String, Scan> scans = new LinkedHashMap<>();
        Map<String, Set<String>> namesByStage = new HashMap<>();
        Map<String, Set<String>> own = new LinkedHashMap<>();
        Map<String, String> ownerOf = new HashMap<>();
        Map<String, List<String>> notes = new HashMap<>();
        for (StageSpec s : judgeStages) {
            Scan scan = scan(s.name());
            scans.put(s.name(), scan);
            namesByStage.put(s.name(), scan.names());
            Set<String> upstream = new HashSet<>();
            for (String in : s.inputs()) upstream.addAll(namesByStage.computeIfAbsent(in, this::names));
            Set<String> written = new LinkedHashSet<>(scan.names());
            written.removeAll(upstream);
            List<String> stageNotes = new ArrayList<>();
            if (written.isEmpty() && !scan.rows().isEmpty()) {
                // The same judge ran upstream too, so its score was overwritten rather than added: fall back to
                // the names a judge of this provider writes (its own name, or name:model, or name/aspect).
                String identity = s.stringSetting("name", s.stringSetting("judge", ""));
                for (String n : scan.names()) {
                    if (n.equals(identity) || n.startsWith(identity + ":") || n.startsWith(identity + "/")) written.add(n);
                }
                stageNotes.add("the inputs already carry this stage's scores; they were recognised by the judge's name");
            }
            own.put(s.name(), written);
            for (String n : written) ownerOf.putIfAbsent(n, s.name());
            notes.put(s.name(), stageNotes);
        }

        Map<String, List<JsonNode>> cards = new HashMap<>();
        Set<String> done = new HashSet<>();
        List<String> order = judgeStages.stream().map(StageSpec::name).toList();
        for (StageSpec t : judgeStages) {
            Scan scan = scans.get(t.name());
            for (String a : scan.names()) {
                String owner = ownerOf.get(a);
                if (owner == null) continue; // a label, not a judge's score
                for (String b : scan.names()) {
                    if (a.equals(b) || !isReferenceFor(a, b, ownerOf, order) || !done.add(a + "\n" + b)) continue;
                    List<JudgedItem> items = new ArrayList<>();
                    for (Row r : scan.rows()) {
                        Double ref = r.scores().get(b);
                        if (ref == null) continue;
                        items.add(JudgedItem.scored(r.id(), r.group(), r.scores().getOrDefault(a, Double.NaN), ref));
                    }
                    if (items.stream().noneMatch(JudgedItem::judged)) continue;
                    cards.computeIfAbsent(owner, k -> new ArrayList<>())
                            .add(card(ReportCards.compute(a, b, items, cardOptions), t.name()));
                }
            }
        }

        List<JudgeOverview.Stage> out = new ArrayList<>();
        for (StageSpec s : judgeStages) {
            Scan scan = scans.get(s.name());
            String kind = providerKind(s.stringSetting("judge", null));
            List<JsonNode> stageCards = cards.getOrDefault(s.name(), new ArrayList<>());
            if ("pairwise".equals(kind) && references.isEmpty()) {
                for (String a : own.get(s.name())) pairwiseCard(s.name(), a, scan, notes.get(s.name()), stageCards);
            }
            long failed = scan.rows().stream()
                    .filter(r -> own.get(s.name()).stream().noneMatch(r.scores()::containsKey)).count();
            List<JudgeOverview.ScoreSummary> scores = new ArrayList<>();
            for (String name : own.get(s.name())) scores.add(summary(name, scan.rows()));
            out.add(new JudgeOverview.Stage(s.name(), s.stringSetting("judge", null), kind, statuses.get(s.name()),
                    scan.rows().size(), scan.truncated(), failed, reasons(s.name()), scores, stageCards,
                    notes.get(s.name())));
        }
        return new JudgeOverview(runId, limit, out);
    }

    /** Whether score {@code b} serves as the reference for judge score {@code a} (see the class comment). */
    private boolean isReferenceFor(String a, String b, Map<String, String> ownerOf, List<String> order) {
        if (!references.isEmpty()) return references.contains(b);
        String bOwner = ownerOf.get(b);
        if (bOwner == null) return true; // a label that came with the data
        if (!isVerifierStage(bOwner)) return false;
        String aOwner = ownerOf.get(a);
        return !isVerifierStage(aOwner) || order.indexOf(aOwner) < order.indexOf(bOwner);
    }

    private boolean isVerifierStage(String stage) {
        return spec.stage(stage).map(s -> "verifier".equals(providerKind(s.stringSetting("judge", null))))
                .orElse(false);
    }

    private static String providerKind(String judge) {
        if (judge == null) return null;
        try {
            JudgeProvider p = Judges.provider(judge);
            return p.kind().name().toLowerCase(Locale.ROOT);
        } catch (RuntimeException notInstalled) {
            return null;
        }
    }

    /** A pairwise judge's verdicts on preference records against the records' own chosen/rejected label. */
    private void pairwiseCard(String stage, String score, Scan scan, List<String> notes, List<JsonNode> out) {
        if (scan.rows().isEmpty() || !scan.rows().stream().allMatch(Row::preference)) return;
        try {
            List<JudgedItem> items = JudgedItemReader.pairwise(score).allowUnjudged(true).build()
                    .read(StageRecords.source(dir.stageDir(stage).resolve("records.jsonl"), limit));
            if (items.stream().anyMatch(JudgedItem::judged)) {
                out.add(card(ReportCards.compute(score, DATASET_PREFERENCE, items, cardOptions), stage));
            }
        } catch (DatasetException | IllegalArgumentException e) {
            notes.add("no report card for '" + score + "' against the dataset's preference: " + e.getMessage());
        }
    }

    private static JsonNode card(ReportCard card, String stage) {
        try {
            ObjectNode node = (ObjectNode) Json.MAPPER.readTree(ReportCards.json(card));
            node.put("stage", stage);
            node.put("text", ReportCards.text(card));
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JudgeOverview.ScoreSummary summary(String name, List<Row> rows) {
        double[] values = new double[rows.size()];
        int n = 0;
        double sum = 0;
        for (Row r : rows) {
            Double v = r.scores().get(name);
            if (v == null) continue;
            values[n++] = v;
            sum += v;
        }
        if (n == 0) {
            return new JudgeOverview.ScoreSummary(name, 0, rows.size(), null, null, null,
                    new ScoreHistogram(ScoreHistogram.COUNTS, List.of()), null, null, null);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean binary = true;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, values[i]);
            max = Math.max(max, values[i]);
            binary &= values[i] == 0 || values[i] == 1;
        }
        PassRule rule = passRule(name, binary);
        Long passed = null;
        Long failed = null;
        if (rule != null) {
            long p = 0;
            for (int i = 0; i < n; i++) if (rule.passes(values[i])) p++;
            passed = p;
            failed = n - p;
        }
        return new JudgeOverview.ScoreSummary(name, n, rows.size() - n, min, max, sum / n,
                ScoreHistogram.of(values, n, maxCategories, bins), passed, failed, rule == null ? null : rule.text());
    }

    /** What passing means for a score: the bounds a filter stage keeps, or a 0/1 score's 1. */
    private record PassRule(Double min, Double max, String text) {
        boolean passes(double v) {
            return (min == null || v >= min) && (max == null || v <= max);
        }
    }

    @SuppressWarnings("unchecked")
    private PassRule passRule(String score, boolean binary) {
        for (StageSpec f : spec.stages()) {
            if (!f.kind().equals("filter")) continue;
            if (score.equals(f.stringSetting("score", null))) {
                Double min = f.setting("min") instanceof Number m ? m.doubleValue() : null;
                Double max = f.setting("max") instanceof Number m ? m.doubleValue() : null;
                String bounds = (min == null ? "" : fmt(min) + " <= ") + "value" + (max == null ? "" : " <= " + fmt(max));
                return new PassRule(min, max, "filter stage '" + f.name() + "' keeps " + bounds);
            }
            Object req = f.setting("require");
            List<String> require = req == null ? List.of() : req instanceof String s ? List.of(s) : (List<String>) req;
            if (require.contains(score)) {
                return new PassRule(1.0, null, "filter stage '" + f.name() + "' requires value >= 1");
            }
        }
        return binary ? new PassRule(1.0, null, "a 0/1 score: 1 passes") : null;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private Scan scan(String stage) {
        List<Row> rows = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        try (StageRecords it = StageRecords.open(records(stage), limit)) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                Map<String, Double> scores = new LinkedHashMap<>();
                for (Map.Entry<String, Score> e : r.scores().entrySet()) {
                    if (!Double.isNaN(e.getValue().value())) scores.put(e.getKey(), e.getValue().value());
                }
                names.addAll(scores.keySet());
                rows.add(new Row(r.id(), group(r), scores, r.payload() instanceof Payload.Preference));
            }
            return new Scan(rows, names, it.truncated());
        }
    }

    /** The score names on the first records of any stage (an input of a judge stage). */
    private Set<String> names(String stage) {
        Set<String> names = new HashSet<>();
        try (StageRecords it = StageRecords.open(records(stage), limit)) {
            while (it.hasNext()) names.addAll(it.next().scores().keySet());
        }
        return names;
    }

    private Path records(String stage) {
        return dir.stageDir(stage).resolve("records.jsonl");
    }

    /**
     * The bootstrap's resampling unit is the prompt, as in the judges' reader; a 64-bit hash of it keeps rows small
     * (two prompts colliding would only merge two groups).
     */
    private static String group(DataRecord r) {
        String key = GroupKey.PROMPT.of(r);
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) h = (h ^ key.charAt(i)) * 0x100000001b3L;
        return Long.toHexString(h);
    }

    /** The most frequent reasons among the first failures of {@code judge-failures.jsonl}. */
    private List<JudgeOverview.Reason> reasons(String stage) {
        Map<String, Long> counts = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(dir.stageDir(stage).resolve("judge-failures.jsonl"))) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null && n++ < limit) {
                if (line.isBlank()) continue;
                String reason;
                try {
                    reason = Json.MAPPER.readTree(line).path("reason").asText("");
                } catch (IOException partialLastLine) {
                    continue;
                }
                if (reason.length() > REASON_CHARS) reason = reason.substring(0, REASON_CHARS) + "…";
                counts.merge(reason, 1L, Long::sum);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(stage + "/judge-failures.jsonl: cannot read: " + e.getMessage(), e);
        }
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_REASONS).map(e -> new JudgeOverview.Reason(e.getKey(), e.getValue())).toList();
    }
}
