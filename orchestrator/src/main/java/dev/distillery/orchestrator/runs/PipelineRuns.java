package dev.distillery.orchestrator.runs;

import dev.distillery.datasets.json.Json;
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
    }

    /** Validates {@code specFile} (every problem at once), creates a run and executes it. */
    public static Outcome start(RunStore store, Path specFile, PrintWriter out) {
        PipelineSpec spec = PipelineSpecs.read(specFile, SpecCatalog.installed().withEnvironment(System.getenv()));
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
        out.printf("run %s (%s) in %s%n", run.id(), spec.name(), run.runDir());
        return execute(store, run, spec, base, out);
    }

    /** Continues run {@code runId} from its stored spec: done work is reused, unfinished stages continue. */
    public static Outcome resume(RunStore store, String runId, PrintWriter out) {
        RunRecord run = store.run(runId).orElseThrow(() -> new IllegalArgumentException("no run '" + runId
                + "' in " + store.workspace() + "; `distillery runs` lists them"));
        Path base;
        try {
            base = Path.of(Json.MAPPER.readTree(run.runDir().resolve(ORIGIN).toFile()).get("base_dir").asText());
            Files.deleteIfExists(run.runDir().resolve(CANCEL));
        } catch (IOException e) {
            throw new UncheckedIOException(run.runDir() + ": cannot read " + ORIGIN + ": " + e.getMessage(), e);
        }
        Path specCopy = store.runDirectory(runId).specFile();
        PipelineSpec spec = PipelineSpecs.read(specCopy, SpecCatalog.installed().withEnvironment(System.getenv()));
        out.printf("resuming run %s (%s)%n", run.id(), spec.name());
        return execute(store, run, spec, base, out);
    }

    private static Outcome execute(RunStore store, RunRecord run, PipelineSpec spec, Path base, PrintWriter out) {
        store.markRun(run.id(), RunStatus.RUNNING, null);
        RunControl control = new RunControl();
        Path cancelFlag = run.runDir().resolve(CANCEL);
        // Ctrl-C stops the stages between items; what they committed stays committed and `resume` continues.
        Thread hook = new Thread(control::cancel, "distillery-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        Progress progress = new Progress(store, run.id(), spec, out, cancelFlag, control);
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
        out.printf("run %s %s%s%n", run.id(), status.name().toLowerCase(Locale.ROOT),
                status == RunStatus.SUCCEEDED ? "" : "; continue it with `distillery resume " + run.id() + "`");
        return new Outcome(run.id(), result.status(), result.stages());
    }

    /** The stages of a run as a table: status and counters. */
    public static void printStages(RunStore store, String runId, PipelineSpec spec, PrintWriter out) {
        out.printf("%-20s %-10s %9s %9s %9s %6s %10s %10s%n", "stage", "status", "in", "out", "rejected", "dead",
                "tokens", "cost $");
        Map<String, StageRecord> byName = new LinkedHashMap<>();
        for (StageRecord r : store.stages(runId)) byName.put(r.name(), r);
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
