package dev.distillery.orchestrator.runs;

import dev.distillery.orchestrator.run.PipelineRunner;
import dev.distillery.orchestrator.run.RunControl;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.store.Counters;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.orchestrator.store.StageRecord;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a running pipeline. Plain (a log, a pipe): a line when a stage starts or ends, and every few seconds one
 * line per active stage with its counters and rate. Live (a terminal, see {@link #liveTerminal}): one line per stage
 * redrawn in place four times a second by {@link LiveDisplay}, with rate, ETA, tokens and cost, and the start and end
 * lines written above it. It also watches for the cancel flag {@code distillery cancel} leaves in the run directory.
 */
final class Progress implements PipelineRunner.Listener {

    private static final long INTERVAL_MS = Long.getLong("distillery.progress.interval-ms", 5000);
    private static final long LIVE_INTERVAL_MS = 250;

    private final RunStore store;
    private final String runId;
    private final PipelineSpec spec;
    private final PrintWriter out;
    private final Path cancelFlag;
    private final RunControl control;
    private final Map<String, Long> started = new HashMap<>();
    /** Counters of each started stage when it started in this process: rates count this attempt only. */
    private final Map<String, Counters> atStart = new HashMap<>();
    /** How each stage ended (done, reused, failed ...), for the live block. */
    private final Map<String, String> ended = new HashMap<>();
    private final long t0 = System.nanoTime();
    private final LiveDisplay live;
    private Thread ticker;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** @param live the display to redraw on a terminal; null for plain lines */
    Progress(RunStore store, String runId, PipelineSpec spec, PrintWriter out, Path cancelFlag, RunControl control,
             LiveDisplay live) {
        this.store = store;
        this.runId = runId;
        this.spec = spec;
        this.out = out;
        this.cancelFlag = cancelFlag;
        this.control = control;
        this.live = live;
    }

    /**
     * Whether progress should be drawn live: stdout is a terminal, and neither {@code --plain}, {@code NO_COLOR} nor a
     * dumb {@code TERM} asks for plain lines. Since JDK 22 {@code System.console()} exists even when output is piped,
     * so {@code Console.isTerminal()} decides where it exists (the code compiles for Java 21, hence reflection).
     */
    static boolean liveTerminal(boolean plain, Map<String, String> env) {
        if (plain || env.containsKey("NO_COLOR")) return false;
        String term = env.get("TERM");
        if (term == null || term.isBlank() || term.equals("dumb")) return false;
        java.io.Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 21: a console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** The terminal's width from {@code COLUMNS} (shells export it to children only sometimes), else 100. */
    static int terminalWidth(Map<String, String> env) {
        try {
            return Integer.parseInt(env.getOrDefault("COLUMNS", "100").trim());
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    void start() {
        ticker = Thread.ofVirtual().name("distillery-progress").start(() -> {
            long lastPrint = System.currentTimeMillis();
            while (true) {
                try {
                    if (stopped.await(250, TimeUnit.MILLISECONDS)) return;
                } catch (InterruptedException e) {
                    return;
                }
                if (Files.exists(cancelFlag) && !control.isCancelled()) {
                    print("cancel requested: stopping stages between items");
                    control.cancel();
                }
                if (live != null) {
                    if (System.currentTimeMillis() - lastPrint >= LIVE_INTERVAL_MS) {
                        lastPrint = System.currentTimeMillis();
                        redraw();
                    }
                } else if (System.currentTimeMillis() - lastPrint >= INTERVAL_MS) {
                    lastPrint = System.currentTimeMillis();
                    tick();
                }
            }
        });
    }

    void stop() {
        if (ticker != null) {
            // Not an interrupt: the ticker may be inside a run-store read, and an interrupted H2 file read closes the
            // database's file channel.
            stopped.countDown();
            try {
                ticker.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (live != null) redraw(); // the final counters, before the summary table
    }

    /** Live: draws the block with every stage's current line. */
    private synchronized void redraw() {
        out.print(live.frame(liveLines()));
        out.flush();
    }

    private List<String> liveLines() {
        Map<String, StageRecord> rows = new HashMap<>();
        for (StageRecord r : store.stages(runId)) rows.put(r.name(), r);
        int nameWidth = spec.stages().stream().mapToInt(s -> s.name().length()).max().orElse(5);
        List<String> lines = new ArrayList<>();
        for (var s : spec.stages()) {
            StageRecord r = rows.get(s.name());
            Counters c = r == null ? Counters.ZERO : r.counters();
            String state = ended.getOrDefault(s.name(), started.containsKey(s.name()) ? "running" : "pending");
            double inRate = 0;
            double outRate = 0;
            Long since = started.get(s.name());
            if (since != null) {
                double secs = Math.max(1e-3, (System.nanoTime() - since) / 1e9);
                Counters base = atStart.getOrDefault(s.name(), Counters.ZERO);
                inRate = (c.recordsIn() - base.recordsIn()) / secs;
                outRate = (c.recordsOut() - base.recordsOut()) / secs;
            }
            String detail = null;
            if (s.kind().equals("train") && state.equals("running")) {
                var loss = store.metrics(runId, s.name(), "train/loss");
                if (!loss.isEmpty()) {
                    detail = String.format(Locale.ROOT, "step %d, loss %.4f", loss.getLast().step(), loss.getLast().value());
                }
            }
            lines.add(LiveDisplay.line(nameWidth, new LiveDisplay.StageLine(s.name(), state, c, inRate, outRate,
                    inputTotal(s, rows), s.target() == null ? -1 : s.target(), detail)));
        }
        return lines;
    }

    /** The stage's input count once every input stage has finished (their committed outputs); −1 before. */
    private long inputTotal(dev.distillery.orchestrator.spec.StageSpec s, Map<String, StageRecord> rows) {
        if (s.inputs().isEmpty()) return -1;
        long total = 0;
        for (String in : s.inputs()) {
            StageRecord r = rows.get(in);
            if (r == null || r.status() != dev.distillery.orchestrator.store.StageStatus.SUCCEEDED
                    && r.status() != dev.distillery.orchestrator.store.StageStatus.SKIPPED) {
                return -1;
            }
            total += r.counters().recordsOut();
        }
        return total;
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
        atStart.put(stage, store.stage(runId, stage).map(StageRecord::counters).orElse(Counters.ZERO));
        print("[" + stage + "] started" + (mode == PipelineRunner.Mode.RESUMED ? " (resuming)" : ""));
    }

    @Override
    public synchronized void stageFinished(PipelineRunner.StageResult r) {
        started.remove(r.stage());
        ended.put(r.stage(), switch (r.status()) {
            case SUCCEEDED -> r.mode() == PipelineRunner.Mode.REUSED ? "reused" : "done";
            default -> r.status().name().toLowerCase(Locale.ROOT);
        });
        String how = switch (r.status()) {
            case SUCCEEDED -> r.mode() == PipelineRunner.Mode.REUSED ? "reused (done earlier, unchanged)" : "done";
            default -> r.status().name().toLowerCase(Locale.ROOT) + (r.error() == null ? "" : ": " + r.error());
        };
        StageRecord rec = store.stage(runId, r.stage()).orElse(null);
        String counts = rec == null ? "" : String.format(Locale.ROOT, " (in %,d, out %,d, rejected %,d)",
                rec.counters().recordsIn(), rec.counters().recordsOut(), rec.counters().rejected());
        print("[" + r.stage() + "] " + how + counts + (r.summary() == null ? "" : ": " + r.summary()));
    }

    void summary() {
        out.println();
        PipelineRuns.printStages(store, runId, spec, out);
        out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
        out.flush();
    }

    private synchronized void print(String line) {
        String stamped = String.format(Locale.ROOT, "%6.1fs %s", (System.nanoTime() - t0) / 1e9, line);
        if (live != null) out.print(live.message(stamped, liveLines()));
        else out.println(stamped);
        out.flush();
    }
}
