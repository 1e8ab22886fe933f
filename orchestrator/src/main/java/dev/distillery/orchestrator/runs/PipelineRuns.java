package dev.distillery.orchestrator.runs;

import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.spi.Plugins;
import dev.distillery.orchestrator.models.ChatModels;
import dev.distillery.orchestrator.run.PipelineRunner;
import dev.distillery.orchestrator.run.RunControl;
import dev.distillery.orchestrator.run.RunLedger;
import dev.distillery.orchestrator.run.StoreLedger;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;
import dev.distillery.orchestrator.store.Fingerprints;
import dev.distillery.orchestrator.store.RunRecord;
import dev.distillery.orchestrator.store.RunStatus;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.orchestrator.store.StageRecord;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Starts and resumes pipeline runs in a workspace: the one entry point the {@code run} and {@code resume} commands
 * (and, later, the dashboard) use.
 *
 * <pre>{@code
 * try (RunStore store = RunStore.open(Path.of("runs"))) {
 *     PipelineRuns.Outcome o = PipelineRuns.start(store, Path.of("examples/sandbox.yaml"), out);
 * }
 * }</pre>
 */
public final class PipelineRuns {
    private PipelineRuns() {
    }

    /** Where a run's spec came from: relative paths in it start at {@code baseDir}. */
    static final String ORIGIN = "origin.json";
    /** Created by {@code distillery cancel}: the running process stops cleanly when it sees it. */
    public static final String CANCEL = "cancel-requested";

    public record Outcome(String runId, RunLedger.StageStatus status, List<PipelineRunner.StageResult> stages) {
        public boolean succeeded() {
            return status == RunLedger.StageStatus.SUCCEEDED;
        }
    }

    /** The run {@code runId} of the workspace; an unknown id says how to list the known ones. */
    public static RunRecord run(RunStore store, String runId) {
        return store.run(runId).orElseThrow(() -> new IllegalArgumentException("no run '" + runId + "' in "
                + store.workspace() + "; `distillery runs` lists them"));
    }

    /** A created run, ready to execute. */
    public record Prepared(RunRecord run, PipelineSpec spec, Path baseDir) {
    }

    /** Validates {@code specFile} (every problem at once), creates a run and executes it. */
    public static Outcome start(RunStore store, Path specFile, PrintWriter out) {
        return start(store, specFile, List.of(), out, false);
    }

    /** As {@link #start(RunStore, Path, PrintWriter)} with {@code KEY=VALUE} overrides of the spec (see --set). */
    public static Outcome start(RunStore store, Path specFile, List<String> overrides, PrintWriter out) {
        return start(store, specFile, overrides, out, false);
    }

    /**
     * {@link #start(RunStore, Path, PrintWriter)}; {@code live} redraws one progress line per stage in place (for a
     * terminal, see {@link #liveTerminal}) instead of printing plain lines.
     */
    public static Outcome start(RunStore store, Path specFile, PrintWriter out, boolean live) {
        return start(store, specFile, List.of(), out, live);
    }

    /** With overrides of the spec ({@code --set}) and the choice of live progress. */
    public static Outcome start(RunStore store, Path specFile, List<String> overrides, PrintWriter out, boolean live) {
        Prepared p = prepare(store, specFile, overrides);
        out.printf("run %s (%s) in %s%n", p.run().id(), p.spec().name(), p.run().runDir());
        return execute(store, p.run(), p.spec(), p.baseDir(), out, live);
    }

    /**
     * Whether progress can be drawn live: stdout is a terminal and neither {@code plain} (the {@code --plain}
     * option), {@code NO_COLOR} nor a dumb {@code TERM} asks for plain lines.
     */
    public static boolean liveTerminal(boolean plain) {
        return Progress.liveTerminal(plain, System.getenv());
    }

    /** Validates {@code specFile} and creates its run (directory, spec copy, origin), without executing it. */
    public static Prepared prepare(RunStore store, Path specFile) {
        return prepare(store, specFile, List.of());
    }

    /** As {@link #prepare(RunStore, Path)}; the run's spec copy holds the overridden spec, so a resume keeps them. */
    public static Prepared prepare(RunStore store, Path specFile, List<String> overrides) {
        SpecCatalog catalog = catalog();
        PipelineSpec spec = PipelineSpecs.override(PipelineSpecs.read(specFile, catalog), specFile.toString(), overrides,
                catalog);
        RunRecord run = store.createRun(spec.name(), PipelineSpecs.toYaml(spec), Fingerprints.spec(spec));
        Path base = specFile.toAbsolutePath().getParent();
        Map<String, String> origin = new LinkedHashMap<>();
        origin.put("spec_file", specFile.toAbsolutePath().toString());
        origin.put("base_dir", base.toString());
        try {
            Files.writeString(run.runDir().resolve(ORIGIN), Json.pretty(origin));
        } catch (IOException e) {
            throw new UncheckedIOException(run.runDir() + ": cannot write " + ORIGIN + ": " + e.getMessage(), e);
        }
        return new Prepared(run, spec, base);
    }

    /** Executes a prepared run to its end (or until cancelled). */
    public static Outcome execute(RunStore store, Prepared p, PrintWriter out) {
        return execute(store, p.run(), p.spec(), p.baseDir(), out, false);
    }

    /** Continues run {@code runId} from its stored spec: done work is reused, unfinished stages continue. */
    public static Outcome resume(RunStore store, String runId, PrintWriter out) {
        return resume(store, runId, out, false);
    }

    /** {@link #resume(RunStore, String, PrintWriter)}, with live progress lines when {@code live}. */
    public static Outcome resume(RunStore store, String runId, PrintWriter out, boolean live) {
        RunRecord run = run(store, runId);
        Path base;
        try {
            base = Path.of(Json.MAPPER.readTree(run.runDir().resolve(ORIGIN).toFile()).get("base_dir").asText());
            Files.deleteIfExists(run.runDir().resolve(CANCEL));
        } catch (IOException e) {
            throw new UncheckedIOException(run.runDir() + ": cannot read " + ORIGIN + ": " + e.getMessage(), e);
        }
        Path specCopy = store.runDirectory(runId).specFile();
        PipelineSpec spec = PipelineSpecs.read(specCopy, catalog());
        out.printf("resuming run %s (%s)%n", run.id(), spec.name());
        return execute(store, run, spec, base, out, live);
    }

    /**
     * What a spec is checked against, taken at the start of each run, resume and dry run: first a plugins directory
     * whose jars changed is reloaded, so that a rebuilt plugin is used by the next run without a restart.
     */
    private static SpecCatalog catalog() {
        if (Plugins.refresh()) {
            System.getLogger(PipelineRuns.class.getName()).log(System.Logger.Level.INFO,
                    "reloaded " + Plugins.folder().map(Object::toString).orElse("the plugins directory"));
        }
        return SpecCatalog.installed().withEnvironment(System.getenv());
    }

    private static Outcome execute(RunStore store, RunRecord run, PipelineSpec spec, Path base, PrintWriter out,
                                   boolean live) {
        store.markRun(run.id(), RunStatus.RUNNING, null);
        RunControl control = new RunControl();
        Path cancelFlag = run.runDir().resolve(CANCEL);
        // Ctrl-C stops the stages between items; what they committed stays committed and `resume` continues.
        Thread hook = new Thread(control::cancel, "distillery-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        Progress progress = new Progress(store, run.id(), spec, out, cancelFlag, control,
                live ? new LiveDisplay(Progress.terminalWidth(System.getenv())) : null);
        PipelineRunner.RunResult result;
        try (ChatModels models = new ChatModels(spec.models(), base, run.runDir().resolve("spec.yaml").toString())
                .withCallCache(new StoreCallCache(store.callCache()))) {
            progress.start();
            result = PipelineRunner.builder(spec, run.runDir(), new StoreLedger(store, run.id())).baseDir(base)
                    .models(models).control(control).listener(progress).build().run();
        } finally {
            progress.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of Ctrl-C: the hook has run
            }
        }
        RunStatus status = switch (result.status()) {
            case SUCCEEDED -> RunStatus.SUCCEEDED;
            case CANCELLED -> RunStatus.CANCELLED;
            default -> RunStatus.FAILED;
        };
        String error = result.stages().stream().filter(s -> s.error() != null && s.status() == RunLedger.StageStatus.FAILED)
                .map(s -> s.stage() + ": " + s.error()).findFirst().orElse(null);
        store.markRun(run.id(), status, error);
        progress.summary();
        printReports(spec, run.runDir(), out);
        out.printf("dashboard: distillery serve --workspace %s, then http://127.0.0.1:8080/#/run/%s%n",
                store.workspace(), run.id());
        out.printf("run %s %s%s%n", run.id(), status.name().toLowerCase(Locale.ROOT),
                status == RunStatus.SUCCEEDED ? "" : "; continue it with `distillery resume " + run.id() + "`");
        return new Outcome(run.id(), result.status(), result.stages());
    }

    /** The tables of the run's `report` stages, after the stage table: what a study run ends with. */
    private static void printReports(PipelineSpec spec, Path runDir, PrintWriter out) {
        for (var s : spec.stages()) {
            if (!s.kind().equals("report")) continue;
            Path md = runDir.resolve("stages").resolve(s.name()).resolve("report.md");
            if (!Files.exists(md)) continue;
            try {
                out.println();
                out.print(Files.readString(md));
                out.printf("(%s)%n%n", md);
            } catch (IOException e) {
                out.printf("report %s: cannot read %s: %s%n", s.name(), md, e.getMessage());
            }
        }
    }

    /** Stage kinds a dry run keeps; training, evaluation and exports (which write the user's files) are left out. */
    private static final java.util.Set<String> PREVIEWED = java.util.Set.of("source", "flow", "judge", "filter", "dedup",
            "decontaminate", "select-pairs");

    /**
     * A preview: the pipeline on at most {@code n} records per source with at most {@code n} model calls per flow
     * stage, in a throw-away workspace, printing the first records each stage produced. Training, evaluation and
     * export stages, and whatever depends on them, are skipped.
     */
    public static RunLedger.StageStatus dryRun(Path specFile, int n, PrintWriter out) {
        if (n < 1) throw new IllegalArgumentException("--dry-run needs a positive record count, got " + n);
        PipelineSpec spec = PipelineSpecs.read(specFile, catalog());
        java.util.Set<String> kept = new java.util.HashSet<>();
        List<dev.distillery.orchestrator.spec.StageSpec> stages = new java.util.ArrayList<>();
        for (var st : spec.stages()) {
            if (!PREVIEWED.contains(st.kind()) || !kept.containsAll(st.inputs())) continue;
            Map<String, Object> settings = new LinkedHashMap<>(st.settings());
            var budget = st.budget();
            if (st.kind().equals("source")) {
                long limit = settings.get("limit") instanceof Number l ? Math.min(l.longValue(), n) : n;
                settings.put("limit", limit);
            }
            if (st.kind().equals("flow")) {
                long calls = budget != null && budget.calls() != null ? Math.min(budget.calls(), n) : n;
                budget = new dev.distillery.orchestrator.spec.StageSpec.Budget(calls,
                        budget == null ? null : budget.tokens(), budget == null ? null : budget.costUsd());
            }
            stages.add(new dev.distillery.orchestrator.spec.StageSpec(st.name(), st.kind(), st.inputs(), st.models(),
                    st.concurrency(), st.batch(), budget, st.target(), st.seed(), st.output(), settings));
            kept.add(st.name());
        }
        PipelineSpec preview = new PipelineSpec(spec.name() + "-dry-run", spec.seed(), spec.models(), stages);
        Path tmp;
        try {
            tmp = Files.createTempDirectory("distillery-dry-run");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary workspace: " + e.getMessage(), e);
        }
        out.printf("dry run of %s: at most %d record(s) per source and %d call(s) per flow stage; skipped: %s%n",
                specFile, n, n, spec.stages().stream().map(dev.distillery.orchestrator.spec.StageSpec::name)
                        .filter(x -> !kept.contains(x)).toList());
        try (RunStore store = RunStore.open(tmp)) {
            RunRecord run = store.createRun(preview.name(), PipelineSpecs.toYaml(preview), Fingerprints.spec(preview));
            Path base = specFile.toAbsolutePath().getParent();
            PipelineRunner.RunResult r;
            try (ChatModels models = new ChatModels(preview.models(), base, specFile.toString())) {
                r = PipelineRunner.builder(preview, run.runDir(), new StoreLedger(store, run.id())).baseDir(base)
                        .models(models).build().run();
            }
            for (PipelineRunner.StageResult sr : r.stages()) {
                out.printf("%n[%s] %s%s%n", sr.stage(), sr.status().name().toLowerCase(Locale.ROOT),
                        sr.error() == null ? "" : ": " + sr.error());
                Path records = run.runDir().resolve("stages").resolve(sr.stage()).resolve("records.jsonl");
                if (!Files.exists(records)) continue;
                try (var lines = Files.lines(records)) {
                    lines.limit(2).forEach(l -> out.println("  " + (l.length() > 400 ? l.substring(0, 400) + " ..." : l)));
                }
            }
            return r.status();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                dev.distillery.trainers.io.FileTrees.delete(tmp);
            } catch (IOException ignored) {
                // a temporary directory; the OS cleans it eventually
            }
        }
    }

    /** The stages of a run as a table: status and counters. */
    public static void printStages(RunStore store, String runId, PipelineSpec spec, PrintWriter out) {
        printStages(store.stages(runId), spec, out);
    }

    /** {@link #printStages(RunStore, String, PipelineSpec, PrintWriter)} from stage rows read elsewhere (a snapshot). */
    public static void printStages(List<StageRecord> stages, PipelineSpec spec, PrintWriter out) {
        out.printf("%-20s %-10s %9s %9s %9s %6s %10s %10s%n", "stage", "status", "in", "out", "rejected", "dead",
                "tokens", "cost $");
        Map<String, StageRecord> byName = new LinkedHashMap<>();
        for (StageRecord r : stages) byName.put(r.name(), r);
        for (var s : spec.stages()) {
            StageRecord r = byName.get(s.name());
            if (r == null) {
                out.printf("%-20s %-10s%n", s.name(), "pending");
                continue;
            }
            var c = r.counters();
            out.printf(Locale.ROOT, "%-20s %-10s %,9d %,9d %,9d %,6d %,10d %10.4f%n", s.name(),
                    r.status().name().toLowerCase(Locale.ROOT), c.recordsIn(), c.recordsOut(), c.rejected(),
                    c.deadLettered(), c.tokensIn() + c.tokensOut(), c.costUsd());
        }
    }
}
