package dev.distillery.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Score;
import dev.distillery.orchestrator.spec.StageSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code report}: the study's table, from the run itself. Held-out accuracy per group (skill) after every input
 * {@code eval} stage with bootstrap 95% intervals; for each {@code compare} pair of eval stages, the difference in accuracy
 * on the same items with a paired bootstrap interval (how ablation arms are told apart); records in, out and rejected, tokens and wall time of every stage;
 * the diversity of every {@code sample} stage's answers; and, for each {@code agreement} entry, how well a judge
 * agrees with a reference verifier on a stage's records (precision and recall of "pass"). Writes {@code report.json}
 * and {@code report.md} to the stage directory, and the Markdown also to {@code path} when given.
 */
final class ReportRunner implements StageRunner {

    static final String JSON = "report.json";
    static final String MARKDOWN = "report.md";

    @Override
    public String kind() {
        return "report";
    }

    @Override
    public boolean barrier() {
        return true;
    }

    @Override
    public void run(StageContext ctx) throws IOException {
        Path stagesDir = ctx.stageDir().getParent();
        // Only stages upstream of this one have finished for sure; anything else may still be writing.
        Set<String> upstream = upstream(ctx.pipeline(), ctx.stage().name());
        ObjectNode report = Json.object().put("pipeline", ctx.pipeline().name());
        StringBuilder md = new StringBuilder("# " + ctx.pipeline().name() + "\n");

        // Accuracy per group, one column per eval stage in input order.
        List<String> evals = new ArrayList<>();
        ObjectNode accuracy = report.putObject("accuracy");
        Set<String> groups = new LinkedHashSet<>();
        for (String input : ctx.stage().inputs()) {
            Path f = stagesDir.resolve(input).resolve(EvalRunner.REPORT);
            if (!Files.exists(f)) continue;
            JsonNode r = Json.MAPPER.readTree(f.toFile());
            evals.add(input);
            ObjectNode col = accuracy.putObject(input);
            if (r.has("groups")) {
                r.get("groups").fields().forEachRemaining(e -> {
                    col.set(e.getKey(), e.getValue());
                    groups.add(e.getKey());
                });
            } else if (r.has("accuracy")) {
                col.putObject("all").put("n", r.path("records").asInt()).put("accuracy", r.get("accuracy").asDouble());
                groups.add("all");
            }
        }
        if (!evals.isEmpty()) {
            // "all" last, as a total row.
            if (groups.remove("all")) groups.add("all");
            md.append("\n## Held-out accuracy, 95% bootstrap interval\n\n| group |");
            for (String e : evals) md.append(' ').append(e).append(" |");
            md.append("\n|---|").append("---|".repeat(evals.size())).append('\n');
            for (String g : groups) {
                md.append("| ").append(g).append(" |");
                for (String e : evals) {
                    JsonNode c = accuracy.path(e).path(g);
                    md.append(' ').append(c.isMissingNode() ? "-" : cell(c)).append(" |");
                }
                md.append('\n');
            }
        }

        // Paired differences: the same held-out items answered by two models (ablation arms, before and after).
        ArrayNode deltas = report.putArray("comparisons");
        if (ctx.stage().setting("compare") instanceof List<?> pairs && !pairs.isEmpty()) {
            md.append("\n## Differences, paired bootstrap 95% interval (same held-out items)\n\n| group |");
            List<String[]> arms = new ArrayList<>();
            for (Object o : pairs) {
                List<?> pair = (List<?>) o;
                for (Object side : pair) {
                    if (!upstream.contains(String.valueOf(side))) {
                        throw new IllegalArgumentException("stage '" + ctx.stage().name() + "': compare stage '" + side
                                + "' is not upstream of the report; list it among the inputs");
                    }
                }
                arms.add(new String[]{String.valueOf(pair.get(0)), String.valueOf(pair.get(1))});
                md.append(' ').append(pair.get(0)).append(" − ").append(pair.get(1)).append(" |");
            }
            md.append("\n|---|").append("---|".repeat(arms.size())).append('\n');
            List<Map<String, double[]>> columns = new ArrayList<>();
            for (String[] arm : arms) {
                JsonNode evalA = Json.MAPPER.readTree(stagesDir.resolve(arm[0]).resolve(EvalRunner.REPORT).toFile());
                String groupBy = evalA.path("group_by").isTextual() ? evalA.get("group_by").asText() : null;
                Map<String, double[]> col = PairedDifference.estimate(stagesDir.resolve(arm[0]).resolve(StageOutput.FILE),
                        stagesDir.resolve(arm[1]).resolve(StageOutput.FILE), EvalRunner.SCORE, groupBy, ctx.seed());
                columns.add(col);
                ObjectNode d = deltas.addObject().put("a", arm[0]).put("b", arm[1]);
                col.forEach((g, v) -> d.putObject(g).put("n", (int) v[3]).put("difference", v[0]).put("low", v[1])
                        .put("high", v[2]));
            }
            Set<String> rows = new LinkedHashSet<>();
            columns.forEach(c -> rows.addAll(c.keySet()));
            if (rows.remove("all")) rows.add("all");
            for (String g : rows) {
                md.append("| ").append(g).append(" |");
                for (Map<String, double[]> c : columns) {
                    double[] v = c.get(g);
                    md.append(' ').append(v == null ? "-" : String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]",
                            100 * v[0], 100 * v[1], 100 * v[2])).append(" |");
                }
                md.append('\n');
            }
        }

        // Every stage's counts, tokens and wall time.
        ArrayNode stages = report.putArray("stages");
        md.append("\n## Stages\n\n| stage | kind | in | out | rejected | tokens | wall s |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (StageSpec s : ctx.pipeline().stages()) {
            if (s.name().equals(ctx.stage().name())) continue;
            Map<RunLedger.Counter, Long> c = ctx.countersOf(s.name());
            long tokens = c.getOrDefault(RunLedger.Counter.TOKENS_IN, 0L) + c.getOrDefault(RunLedger.Counter.TOKENS_OUT, 0L);
            double wall = ctx.elapsedOf(s.name()).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
            ObjectNode row = stages.addObject().put("stage", s.name()).put("kind", s.kind())
                    .put("in", c.getOrDefault(RunLedger.Counter.IN, 0L)).put("out", c.getOrDefault(RunLedger.Counter.OUT, 0L))
                    .put("rejected", c.getOrDefault(RunLedger.Counter.REJECTED, 0L)).put("tokens", tokens);
            if (!Double.isNaN(wall)) row.put("wall_seconds", wall);
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %s |%n", s.name(), s.kind(),
                    row.get("in").asLong(), row.get("out").asLong(), row.get("rejected").asLong(), tokens,
                    Double.isNaN(wall) ? "-" : String.format(Locale.ROOT, "%.1f", wall)));
        }

        // Diversity of on-policy samples, stage by stage (a falling column is a collapse warning).
        ArrayNode diversity = report.putArray("diversity");
        for (StageSpec s : ctx.pipeline().stages()) {
            if (!upstream.contains(s.name())) continue;
            Path f = stagesDir.resolve(s.name()).resolve(SampleRunner.REPORT);
            if (Files.exists(f)) diversity.add(((ObjectNode) Json.MAPPER.readTree(f.toFile())).put("stage", s.name()));
        }
        if (!diversity.isEmpty()) {
            md.append("\n## Diversity of the student's samples\n\n| stage | answers | distinct answers per prompt | "
                    + "distinct-1 | distinct-2 | repeated |\n|---|---:|---:|---:|---:|---:|\n");
            for (JsonNode d : diversity) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n", d.path("stage").asText(),
                        d.path("answers").asLong(), d.path("distinct_answers_per_prompt").asDouble(),
                        d.path("distinct1").asDouble(), d.path("distinct2").asDouble(), d.path("repeated").asDouble()));
            }
        }

        // Judges against a reference verifier.
        ArrayNode agreement = report.putArray("agreement");
        if (ctx.stage().setting("agreement") instanceof List<?> entries && !entries.isEmpty()) {
            md.append("\n## Judges against the verifier\n\n| stage | judge | reference | n | precision | recall | accuracy |\n"
                    + "|---|---|---|---:|---:|---:|---:|\n");
            for (Object o : entries) {
                Map<?, ?> e = (Map<?, ?>) o;
                if (!upstream.contains(String.valueOf(e.get("stage")))) {
                    throw new IllegalArgumentException("stage '" + ctx.stage().name() + "': agreement stage '" + e.get("stage")
                            + "' is not upstream of the report, so it may not have finished; list it among the inputs");
                }
                ObjectNode a = agreement(stagesDir, String.valueOf(e.get("stage")), String.valueOf(e.get("judge")),
                        String.valueOf(e.get("reference")), e.get("threshold") instanceof Number t ? t.doubleValue() : 0.5);
                agreement.add(a);
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.3f | %.3f | %.3f |%n", a.path("stage").asText(),
                        a.path("judge").asText(), a.path("reference").asText(), a.path("n").asLong(),
                        a.path("precision").asDouble(), a.path("recall").asDouble(), a.path("accuracy").asDouble()));
            }
        }

        Files.writeString(ctx.stageDir().resolve(JSON), Json.pretty(report));
        Files.writeString(ctx.stageDir().resolve(MARKDOWN), md.toString());
        String path = ctx.stage().stringSetting("path", null);
        if (path != null) {
            Path target = ctx.resolve(path);
            if (target.getParent() != null) Files.createDirectories(target.getParent());
            Files.writeString(target, md.toString());
        }
        ctx.commitAll(0, 0);
        ctx.event("report", Map.of("markdown", md.toString()));
        ctx.summary("written to " + (path != null ? ctx.resolve(path) : ctx.stageDir().resolve(MARKDOWN)));
    }

    /** Every stage this one waits for: its inputs, theirs, and so on. */
    static Set<String> upstream(dev.distillery.orchestrator.spec.PipelineSpec pipeline, String stage) {
        Set<String> seen = new LinkedHashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(stage));
        while (!todo.isEmpty()) {
            pipeline.stage(todo.pop()).ifPresent(s -> s.inputs().forEach(i -> {
                if (seen.add(i)) todo.push(i);
            }));
        }
        return seen;
    }

    private static String cell(JsonNode c) {
        if (!c.has("low")) return String.format(Locale.ROOT, "%.1f%%", 100 * c.path("accuracy").asDouble());
        return String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * c.path("accuracy").asDouble(),
                100 * c.path("low").asDouble(), 100 * c.path("high").asDouble());
    }

    /** Precision and recall of a judge's "pass" (score ≥ threshold) against a reference verifier's (score 1). */
    private static ObjectNode agreement(Path stagesDir, String stage, String judge, String reference, double threshold)
            throws IOException {
        Path file = stagesDir.resolve(stage).resolve(StageOutput.FILE);
        if (!Files.exists(file)) throw new IllegalArgumentException("agreement: stage '" + stage + "' has no records");
        long tp = 0, fp = 0, fn = 0, tn = 0;
        try (RecordIterator it = Datasets.input(file, "distillery").open()) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                Score j = r.scores().get(judge), ref = r.scores().get(reference);
                if (j == null || ref == null) continue;
                boolean pass = j.value() >= threshold, truth = ref.value() >= 0.5;
                if (pass && truth) tp++;
                else if (pass) fp++;
                else if (truth) fn++;
                else tn++;
            }
        }
        long n = tp + fp + fn + tn;
        return Json.object().put("stage", stage).put("judge", judge).put("reference", reference).put("n", n)
                .put("precision", tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp))
                .put("recall", tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn))
                .put("accuracy", n == 0 ? Double.NaN : (double) (tp + tn) / n);
    }
}
