package dev.distillery.orchestrator.run;

import dev.distillery.orchestrator.models.ChatModels;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.StageSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a validated pipeline in a run directory, resumable to the record: every stage runs on its own thread, streaming
 * stages consume upstream records as they are committed, barrier stages wait for their inputs, and the
 * {@link RunLedger} remembers what is done.
 *
 * <pre>{@code
 * PipelineRunner.RunResult r = PipelineRunner.builder(spec, runDir, ledger).baseDir(specFile.getParent()).build().run();
 * }</pre>
 *
 * <p><b>Resume.</b> A stage that finished with an unchanged {@linkplain Fingerprints fingerprint} is reused (its
 * records replay to downstream stages from disk). A stage whose fingerprint changed is reset and recomputed, and so
 * is everything downstream, whose fingerprints include it. An unfinished streaming stage continues: its output is cut
 * back to what the ledger committed and items already done are skipped. Unfinished barrier stages start over.
 */
public final class PipelineRunner {

    /** How a stage ran in this attempt. */
    public enum Mode { REUSED, RESUMED, FRESH }

    /** @param summary one line on what the stage achieved, or null */
    public record StageResult(String stage, Mode mode, RunLedger.StageStatus status, String error, String summary) {
    }

    public record RunResult(RunLedger.StageStatus status, List<StageResult> stages) {
        public boolean succeeded() {
            return status == RunLedger.StageStatus.SUCCEEDED;
        }
    }

    /** Progress callbacks; called on stage threads. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void stageStarted(String stage, Mode mode) {
        }

        default void stageFinished(StageResult result) {
        }
    }

    private final PipelineSpec spec;
    private final Path runDir;
    private final Path baseDir;
    private final RunLedger ledger;
    private final RunControl control;
    private final Listener listener;
    private final Map<String, StageRunner> runners;
    private final ChatModels models;
    private final boolean ownsModels;

    private PipelineRunner(Builder b) {
        this.spec = b.spec;
        this.runDir = b.runDir;
        this.baseDir = b.baseDir;
        this.ledger = b.ledger;
        this.control = b.control;
        this.listener = b.listener;
        this.runners = b.runners;
        this.ownsModels = b.models == null;
        this.models = b.models != null ? b.models : new ChatModels(b.spec, b.baseDir);
    }

    public static Builder builder(PipelineSpec spec, Path runDir, RunLedger ledger) {
        return new Builder(spec, runDir, ledger);
    }

    public static final class Builder {
        private final PipelineSpec spec;
        private final Path runDir;
        private final RunLedger ledger;
        private Path baseDir = Path.of(".");
        private RunControl control = new RunControl();
        private Listener listener = Listener.NONE;
        private Map<String, StageRunner> runners = StageRunners.all();
        private ChatModels models;

        private Builder(PipelineSpec spec, Path runDir, RunLedger ledger) {
            this.spec = Objects.requireNonNull(spec, "spec");
            this.runDir = Objects.requireNonNull(runDir, "runDir");
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        /** Where relative paths in the spec start (the spec file's directory). */
        public Builder baseDir(Path dir) {
            this.baseDir = dir;
            return this;
        }

        public Builder control(RunControl c) {
            this.control = c;
            return this;
        }

        public Builder listener(Listener l) {
            this.listener = l;
            return this;
        }

        /** Replaces the runner registry (plugins found in a --plugins directory). */
        public Builder runners(Map<String, StageRunner> r) {
            this.runners = Map.copyOf(r);
            return this;
        }

        /** The run's models (with its call cache); default: built from the spec, no cache. */
        public Builder models(ChatModels m) {
            this.models = m;
            return this;
        }

        public PipelineRunner build() {
            return new PipelineRunner(this);
        }
    }

    public RunResult run() {
        List<StageSpec> order = topological();
        Map<String, String> fingerprints = new HashMap<>();
        Map<String, StageOutput> outputs = new LinkedHashMap<>();
        Map<String, Mode> modes = new HashMap<>();
        for (StageSpec s : order) {
            StageRunner runner = runners.get(s.kind());
            if (runner == null) {
                throw new IllegalArgumentException("stage '" + s.name() + "': no runner for kind '" + s.kind()
                        + "' (runners: " + String.join(", ", runners.keySet()) + ")");
            }
            String fp = Fingerprints.of(spec, s, s.inputs().stream().map(fingerprints::get).toList(),
                    runner.externalInputs(s, baseDir));
            fingerprints.put(s.name(), fp);
            Path dir = stageDir(s);
            var state = ledger.stage(s.name());
            Mode mode;
            long committed;
            if (state.isPresent() && state.get().fingerprint().equals(fp)
                    && state.get().status() == RunLedger.StageStatus.SUCCEEDED) {
                mode = Mode.REUSED;
                committed = state.get().committed();
            } else if (state.isPresent() && state.get().fingerprint().equals(fp) && runner.resumable()) {
                mode = Mode.RESUMED;
                committed = state.get().committed();
            } else {
                mode = Mode.FRESH;
                committed = 0;
                if (state.isPresent()) ledger.resetStage(s.name());
                deleteTree(dir);
            }
            modes.put(s.name(), mode);
            outputs.put(s.name(), StageOutput.open(dir, committed));
            if (mode != Mode.REUSED) ledger.stageRegistered(s.name(), s.kind(), fp);
        }

        Map<String, StageResult> results = new LinkedHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (StageSpec s : order) {
            StageOutput out = outputs.get(s.name());
            Mode mode = modes.get(s.name());
            if (mode == Mode.REUSED) {
                out.finish();
                StageResult r = new StageResult(s.name(), mode, RunLedger.StageStatus.SUCCEEDED, null, null);
                results.put(s.name(), r);
                listener.stageFinished(r);
                continue;
            }
            List<StageOutput> ins = s.inputs().stream().map(outputs::get).toList();
            StageContext ctx = new StageContext(spec, s, baseDir, stageDir(s), ledger, out, ins, control, models);
            StageRunner runner = runners.get(s.kind());
            threads.add(Thread.ofVirtual().name("stage-" + s.name()).start(() -> {
                StageResult r = runStage(runner, ctx, ins, out, mode);
                synchronized (results) {
                    results.put(s.name(), r);
                }
                listener.stageFinished(r);
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                control.cancel();
                threads.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
            }
        }
        outputs.values().forEach(StageOutput::close);
        if (ownsModels) models.close();
        List<StageResult> ordered = order.stream().map(s -> results.get(s.name())).toList();
        RunLedger.StageStatus status = ordered.stream().allMatch(r -> r.status() == RunLedger.StageStatus.SUCCEEDED)
                ? RunLedger.StageStatus.SUCCEEDED
                : ordered.stream().anyMatch(r -> r.status() == RunLedger.StageStatus.CANCELLED)
                ? RunLedger.StageStatus.CANCELLED : RunLedger.StageStatus.FAILED;
        return new RunResult(status, ordered);
    }

    private StageResult runStage(StageRunner runner, StageContext ctx, List<StageOutput> ins, StageOutput out, Mode mode) {
        String name = ctx.stage().name();
        try {
            if (runner.barrier()) {
                for (StageOutput in : ins) in.awaitFinished();
            }
            ledger.stageStarted(name);
            listener.stageStarted(name, mode);
            ledger.event(name, "stage-started", Map.of("mode", mode.name().toLowerCase()));
            runner.run(ctx);
            out.finish();
            ledger.stageFinished(name, RunLedger.StageStatus.SUCCEEDED, null);
            ledger.event(name, "stage-finished", Map.of("status", "succeeded"));
            return new StageResult(name, mode, RunLedger.StageStatus.SUCCEEDED, null, ctx.summary());
        } catch (StageInput.CancelledException | InterruptedException e) {
            out.fail();
            return finish(name, mode, RunLedger.StageStatus.CANCELLED, "cancelled");
        } catch (Exception | Error e) {
            out.fail();
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            return finish(name, mode, RunLedger.StageStatus.FAILED, msg);
        }
    }

    /** Records how a stage ended; a ledger that fails here must not lose the result of the stage. */
    private StageResult finish(String name, Mode mode, RunLedger.StageStatus status, String error) {
        try {
            ledger.stageFinished(name, status, error);
            if (status == RunLedger.StageStatus.FAILED) ledger.event(name, "stage-failed", Map.of("error", error));
        } catch (RuntimeException e) {
            System.getLogger(PipelineRunner.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot record the end of stage " + name + ": " + e);
        }
        return new StageResult(name, mode, status, error, null);
    }

    private Path stageDir(StageSpec s) {
        return runDir.resolve("stages").resolve(s.name());
    }

    /** Stages ordered so that each comes after its inputs (the spec was validated acyclic); file order breaks ties. */
    private List<StageSpec> topological() {
        List<StageSpec> out = new ArrayList<>();
        Map<String, Boolean> placed = new HashMap<>();
        while (out.size() < spec.stages().size()) {
            boolean progress = false;
            for (StageSpec s : spec.stages()) {
                if (placed.containsKey(s.name())) continue;
                if (s.inputs().stream().allMatch(placed::containsKey)) {
                    out.add(s);
                    placed.put(s.name(), true);
                    progress = true;
                }
            }
            if (!progress) throw new IllegalArgumentException("the stages' inputs form a cycle; validate the spec first");
        }
        return out;
    }

    private static void deleteTree(Path dir) {
        try {
            dev.distillery.trainers.io.FileTrees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }
}
