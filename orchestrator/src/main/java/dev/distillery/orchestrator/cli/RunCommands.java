package dev.distillery.orchestrator.cli;

import dev.distillery.orchestrator.run.RunLedger;
import dev.distillery.orchestrator.runs.PipelineRuns;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;
import dev.distillery.orchestrator.store.RunRecord;
import dev.distillery.orchestrator.store.RunStatus;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.orchestrator.store.RunDirectory;
import dev.distillery.orchestrator.store.Secrets;
import dev.distillery.orchestrator.store.StageRecord;
import dev.distillery.orchestrator.store.StoreInUseException;
import dev.distillery.orchestrator.store.StoreSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code distillery run|resume|runs|status|cancel}: pipeline runs in a workspace. */
final class RunCommands {
    private RunCommands() {
    }

    /** The workspace option every run command shares. */
    static class Workspace {
        @Option(names = {"-w", "--workspace"}, defaultValue = "runs", paramLabel = "DIR",
                description = "Where runs and the run store live (default: ${DEFAULT-VALUE}).")
        Path dir;
    }

    /** How run and resume show progress. */
    static class Display {
        @Option(names = "--plain", description = "Plain progress lines even on a terminal (as when the output is "
                + "piped, or NO_COLOR is set, or TERM=dumb); on a terminal, one line per stage is otherwise redrawn "
                + "in place.")
        boolean plain;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a pipeline spec: the spec is validated first (every problem at once), then stages run, "
                    + "streaming where they can. Progress is printed as it goes.",
                    "A run killed at any moment continues with `distillery resume RUN`: finished stages are reused, "
                            + "finished items are skipped, and no model call is paid for twice (call cache)."},
            footer = {"", "Examples:", "  distillery run examples/sandbox-mini.yaml",
                    "  distillery run examples/sandbox-mini.yaml --dry-run 3",
                    "  distillery run pipeline.yaml --workspace /data/runs"})
    static class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "SPEC", description = "Pipeline spec (YAML).")
        Path file;

        @picocli.CommandLine.Mixin
        Workspace workspace = new Workspace();

        @Option(names = "--dry-run", paramLabel = "N",
                description = "Preview: at most N records per source and N model calls per flow stage, in a throw-away "
                        + "workspace; prints the first records of each stage (training, eval and export are skipped).")
        Integer dryRun;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Override a field of the spec: STAGE.FIELD, MODEL.parameters.FIELD, seed (values are YAML); "
                        + "repeatable. E.g. --set plan.mode=uniform --set sft.inputs=[answers].")
        List<String> overrides = List.of();

        @picocli.CommandLine.Mixin
        Display display = new Display();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun != null) {
                return PipelineRuns.dryRun(file, dryRun, out) == RunLedger.StageStatus.SUCCEEDED ? 0 : 1;
            }
            try (RunStore store = RunStore.open(workspace.dir)) {
                return PipelineRuns.start(store, file, overrides, out, PipelineRuns.liveTerminal(display.plain)).succeeded() ? 0 : 1;
            }
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Continue a run that failed, was cancelled or was killed, from its stored spec.",
            footer = {"", "Examples:", "  distillery resume 20261126-173205-sandbox-mini-481dfa"})
    static class Resume implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN", description = "Run id (see `distillery runs`).")
        String runId;

        @picocli.CommandLine.Mixin
        Workspace workspace = new Workspace();

        @picocli.CommandLine.Mixin
        Display display = new Display();

        @Override
        public Integer call() {
            try (RunStore store = RunStore.open(workspace.dir)) {
                return PipelineRuns.resume(store, runId, spec.commandLine().getOut(),
                        PipelineRuns.liveTerminal(display.plain)).succeeded() ? 0 : 1;
            }
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "List the runs of a workspace, newest first.",
            footer = {"", "Examples:", "  distillery runs", "  distillery runs --workspace /data/runs"})
    static class Runs implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        Workspace workspace = new Workspace();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<RunRecord> runs;
            try (RunStore store = openForReading(workspace.dir)) {
                runs = store.listRuns();
            } catch (StoreInUseException busy) {
                StoreSnapshot snapshot = snapshotOrThrow(workspace.dir, busy);
                printSnapshotNote(snapshot, out);
                runs = snapshot.runs();
            }
            out.printf("%-44s %-24s %-10s %s%n", "run", "pipeline", "status", "created");
            for (RunRecord r : runs) {
                out.printf("%-44s %-24s %-10s %s%n", r.id(), r.name(), r.status().name().toLowerCase(Locale.ROOT),
                        r.createdAt());
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"A run's stages with their status and counters.",
                    "While another process executes a run (or `distillery serve` holds the workspace), the counters "
                            + "come from the snapshot that process rewrites every second."},
            footer = {"", "Examples:", "  distillery status 20261126-173205-sandbox-mini-481dfa"})
    static class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN", description = "Run id (see `distillery runs`).")
        String runId;

        @picocli.CommandLine.Mixin
        Workspace workspace = new Workspace();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            RunRecord r;
            List<StageRecord> stages;
            try (RunStore store = openForReading(workspace.dir)) {
                r = PipelineRuns.run(store, runId);
                stages = store.stages(runId);
            } catch (StoreInUseException busy) {
                // A run (or serve) holds the store: show what its snapshot, rewritten every second, says.
                StoreSnapshot snapshot = snapshotOrThrow(workspace.dir, busy);
                printSnapshotNote(snapshot, out);
                r = snapshot.run(runId).orElseThrow(() -> new IllegalArgumentException("no run '" + runId + "' in "
                        + workspace.dir + " (as of the snapshot); `distillery runs` lists them"));
                stages = snapshot.stages(runId);
            }
            out.printf("run %s (%s): %s%s%n", r.id(), r.name(), r.status().name().toLowerCase(Locale.ROOT),
                    r.error() == null ? "" : " - " + r.error());
            // Only read here, so the directory needs no secrets to mask.
            var pipeline = PipelineSpecs.read(RunDirectory.at(r.runDir(), Secrets.of(Map.of())).specFile(),
                    SpecCatalog.installed());
            PipelineRuns.printStages(stages, pipeline, out);
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Ask a running run to stop: stages stop between items, what they committed stays, and "
                    + "`distillery resume RUN` continues later. A run that is not executing is marked cancelled."},
            footer = {"", "Examples:", "  distillery cancel 20261126-173205-sandbox-mini-481dfa"})
    static class Cancel implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RUN", description = "Run id (see `distillery runs`).")
        String runId;

        @picocli.CommandLine.Mixin
        Workspace workspace = new Workspace();

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = workspace.dir.resolve(runId);
            if (!runId.matches("[A-Za-z0-9._-]+") || !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("no run '" + runId + "' in " + workspace.dir);
            }
            // The executing process holds the store; a flag file in the run directory reaches it.
            Files.writeString(dir.resolve(PipelineRuns.CANCEL), "requested\n");
            try (RunStore store = RunStore.builder(workspace.dir).lockWait(java.time.Duration.ofMillis(200)).open()) {
                RunRecord r = store.run(runId).orElseThrow();
                if (!r.status().isFinal()) store.markRun(runId, RunStatus.CANCELLED, "cancelled while not executing");
                out.printf("run %s is not executing; marked cancelled%n", runId);
            } catch (RuntimeException busy) {
                out.printf("cancel requested: run %s stops between items%n", runId);
            }
            return 0;
        }
    }

    /** Opens the store for a quick look: waits briefly, since a holder keeps it for the length of a run. */
    static RunStore openForReading(Path workspace) {
        return RunStore.builder(workspace).lockWait(java.time.Duration.ofMillis(300)).open();
    }

    private static StoreSnapshot snapshotOrThrow(Path workspace, StoreInUseException busy) {
        return StoreSnapshot.read(workspace).orElseThrow(() -> busy);
    }

    private static void printSnapshotNote(StoreSnapshot s, PrintWriter out) {
        double age = s.age(java.time.Instant.now()).toMillis() / 1000.0;
        out.printf(Locale.ROOT, "(the run store is held by process %d; live snapshot from %.1f s ago%s)%n", s.pid(), age,
                s.writerAlive() ? "" : ", written by a process that has ended");
    }
}
