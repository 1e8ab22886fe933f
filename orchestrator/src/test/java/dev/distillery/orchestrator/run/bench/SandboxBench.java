package dev.distillery.orchestrator.run.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.orchestrator.runs.PipelineRuns;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.orchestrator.store.StageRecord;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sandbox study as a benchmark (issue 8's goals): runs {@code examples/sandbox.yaml} (or the spec given, with
 * {@code --set} overrides) through the real CLI entry point and prints each goal with what was measured. The effects
 * are paired differences on the same 400 held-out items with bootstrap 95% intervals, from the run's report; times are
 * from the run store. Baselines are arms of the same run: unfiltered SFT, SFT before DPO, uniform round 2.
 *
 * <pre>bench/sandbox/run.sh [--set KEY=VALUE ...]</pre>
 */
public final class SandboxBench {

    public static void main(String[] args) throws Exception {
        Path spec = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "examples/sandbox.yaml");
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) if (args[i].equals("--set")) overrides.add(args[++i]);
        Path workspace = Path.of("target/bench-sandbox");
        PrintWriter out = new PrintWriter(System.out, true);
        String runId;
        Map<String, StageRecord> stages = new HashMap<>();
        Path runDir;
        try (RunStore store = RunStore.open(workspace)) {
            PipelineRuns.Outcome o = PipelineRuns.start(store, spec, overrides, out);
            if (!o.succeeded()) throw new IllegalStateException("run " + o.runId() + " did not succeed: " + o.status());
            runId = o.runId();
            for (StageRecord s : store.stages(runId)) stages.put(s.name(), s);
            runDir = store.run(runId).orElseThrow().runDir();
        }
        Instant start = stages.values().stream().map(StageRecord::startedAt).filter(java.util.Objects::nonNull)
                .min(Instant::compareTo).orElseThrow();
        JsonNode report = Json.MAPPER.readTree(runDir.resolve("stages/report/report.json").toFile());

        out.println();
        out.printf(Locale.ROOT, "sandbox benchmark, run %s, %d cores, %s%n", runId,
                Runtime.getRuntime().availableProcessors(), spec);
        out.printf(Locale.ROOT, "%-58s %-30s %s%n", "goal", "measured", "met");
        time(out, "round 1 (to eval-dpo) <= 10 min on 2 cores", start, stages.get("eval-dpo"), 600);
        time(out, "two rounds (to eval-dpo-2) <= 20 min", start, stages.get("eval-dpo-2"), 1200);
        time(out, "whole study incl. ablation arms (report)", start, stages.get("report"), Double.NaN);
        effect(out, report, "judge-filtered SFT - unfiltered >= 5 points", "eval-sft-judged", "eval-sft-unfiltered", "all", 0.05);
        effect(out, report, "verifier-filtered SFT - unfiltered >= 5 points", "eval-sft", "eval-sft-unfiltered", "all", 0.05);
        effect(out, report, "DPO - SFT alone >= 3 points (round 1)", "eval-dpo", "eval-sft", "all", 0.03);
        effect(out, report, "DPO - SFT alone >= 3 points (round 2)", "eval-dpo-2", "eval-sft-2", "all", 0.03);
        String weakest = weakest(report.path("accuracy").path("eval-dpo"));
        effect(out, report, "student-aware round 2 - uniform, weakest skill (" + weakest + ") > 0",
                "eval-sft-2", "eval-sft-2u", weakest, 1e-9);
        effect(out, report, "student-aware round 2 - uniform, all skills", "eval-sft-2", "eval-sft-2u", "all", Double.NaN);
        out.println();
        out.println(Files.readString(runDir.resolve("stages/report/report.md")));
    }

    private static void time(PrintWriter out, String goal, Instant start, StageRecord end, double limitSeconds) {
        if (end == null || end.finishedAt() == null) {
            out.printf(Locale.ROOT, "%-58s %-30s %s%n", goal, "not in this spec", "-");
            return;
        }
        double s = Duration.between(start, end.finishedAt()).toMillis() / 1000.0;
        out.printf(Locale.ROOT, "%-58s %-30s %s%n", goal, String.format(Locale.ROOT, "%.0f s", s),
                Double.isNaN(limitSeconds) ? "-" : s <= limitSeconds ? "yes" : "NO");
    }

    private static void effect(PrintWriter out, JsonNode report, String goal, String a, String b, String group, double min) {
        for (JsonNode c : report.path("comparisons")) {
            if (!c.path("a").asText().equals(a) || !c.path("b").asText().equals(b)) continue;
            JsonNode g = c.path(group);
            if (g.isMissingNode()) break;
            double d = g.path("difference").asDouble();
            out.printf(Locale.ROOT, "%-58s %-30s %s%n", goal, String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f] n=%d",
                    100 * d, 100 * g.path("low").asDouble(), 100 * g.path("high").asDouble(), g.path("n").asInt()),
                    Double.isNaN(min) ? "-" : d >= min ? (g.path("low").asDouble() > 0 ? "yes" : "yes (interval crosses 0)")
                            : "NO, short by " + String.format(Locale.ROOT, "%.1f points", 100 * (min - d)));
            return;
        }
        out.printf(Locale.ROOT, "%-58s %-30s %s%n", goal, "no comparison " + a + " - " + b + " in the report", "-");
    }

    /** The skill with the lowest accuracy (what round 2's allocation saw as weakest); ties: the first. */
    private static String weakest(JsonNode groups) {
        String best = null;
        double low = Double.MAX_VALUE;
        for (var it = groups.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("all")) continue;
            double a = e.getValue().path("accuracy").asDouble();
            if (a < low) {
                low = a;
                best = e.getKey();
            }
        }
        return best == null ? "all" : best;
    }
}
