package dev.distillery.orchestrator.runs;

import dev.distillery.orchestrator.run.PipelineRunner;
import dev.distillery.orchestrator.run.RunControl;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.orchestrator.store.StageRecord;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Progress of a running pipeline: a line when a stage starts or ends, and every few seconds one line per active stage
 * with its counters and rate. Plain lines work on a terminal and in a log alike. It also watches for the cancel flag
 * {@code distillery cancel} leaves in the run directory (the run store admits one process at a time).
 */
final class Progress implements PipelineRunner.Listener {

    private static final long INTERVAL_MS = Long.getLong("distillery.progress.interval-ms", 5000);

    private final RunStore store;
    private final String runId;
    private final PipelineSpec spec;
    private final PrintWriter out;
    private final Path cancelFlag;
    private final RunControl control;
    private final Map<String, Long> started = new HashMap<>();
    private final Map<String, Long> lastOut = new HashMap<>();
    private final long t0 = System.nanoTime();
    private Thread ticker;

    Progress(RunStore store, String runId, PipelineSpec spec, PrintWriter out, Path cancelFlag, RunControl control) {
        this.store = store;
        this.runId = runId;
        this.spec = spec;
        this.out = out;
        this.cancelFlag = cancelFlag;
        this.control = control;
    }

    void start() {
        ticker = Thread.ofVirtual().name("distillery-progress").start(() -> {
            long lastPrint = System.currentTimeMillis();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
                if (Files.exists(cancelFlag) && !control.isCancelled()) {
                    print("cancel requested: stopping stages between items");
                    control.cancel();
                }
                if (System.currentTimeMillis() - lastPrint >= INTERVAL_MS) {
                    lastPrint = System.currentTimeMillis();
                    tick();
                }
            }
        });
    }

    void stop() {
        if (ticker != null) ticker.interrupt();
    }

    private synchronized void tick() {
        for (var s : spec.stages()) {
            Long since = started.get(s.name());
            if (since == null) continue;
            if (s.kind().equals("train")) {
                var loss = store.metrics(runId, s.name(), "train/loss");
                if (!loss.isEmpty()) {
                    var last = loss.getLast();
                    print(String.format(Locale.ROOT, "[%s] step %d, loss %.4f", s.name(), last.step(), last.value()));
                }
                continue;
            }
            store.stage(runId, s.name()).ifPresent(r -> {
                var c = r.counters();
                double secs = Math.max(1e-3, (System.nanoTime() - since) / 1e9);
                print(String.format(Locale.ROOT, "[%s] in %,d out %,d rejected %,d dead %,d | %.1f out/s%s",
                        s.name(), c.recordsIn(), c.recordsOut(), c.rejected(), c.deadLettered(), c.recordsOut() / secs,
                        c.tokensIn() + c.tokensOut() > 0 ? String.format(Locale.ROOT, " | %,d tokens, $%.4f",
                                c.tokensIn() + c.tokensOut(), c.costUsd()) : ""));
            });
        }
    }

    @Override
    public synchronized void stageStarted(String stage, PipelineRunner.Mode mode) {
        started.put(stage, System.nanoTime());
        print("[" + stage + "] started" + (mode == PipelineRunner.Mode.RESUMED ? " (resuming)" : ""));
    }

    @Override
    public synchronized void stageFinished(PipelineRunner.StageResult r) {
        started.remove(r.stage());
        String how = switch (r.status()) {
            case SUCCEEDED -> r.mode() == PipelineRunner.Mode.REUSED ? "reused (done earlier, unchanged)" : "done";
            default -> r.status().name().toLowerCase(Locale.ROOT) + (r.error() == null ? "" : ": " + r.error());
        };
        StageRecord rec = store.stage(runId, r.stage()).orElse(null);
        String counts = rec == null ? "" : String.format(Locale.ROOT, " (in %,d, out %,d, rejected %,d)",
                rec.counters().recordsIn(), rec.counters().recordsOut(), rec.counters().rejected());
        print("[" + r.stage() + "] " + how + counts + (r.summary() == null ? "" : ": " + r.summary()));
        lastOut.put(r.stage(), rec == null ? 0 : rec.counters().recordsOut());
    }

    void summary() {
        out.println();
        PipelineRuns.printStages(store, runId, spec, out);
        out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        out.flush();
    }

    private void print(String line) {
        out.printf(Locale.ROOT, "%6.1fs %s%n", (System.nanoTime() - t0) / 1e9, line);
        out.flush();
    }
}
