package dev.distillery.orchestrator.run.bench;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.Score;
import dev.distillery.orchestrator.run.PipelineRunner;
import dev.distillery.orchestrator.run.StoreLedger;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;
import dev.distillery.orchestrator.store.RunRecord;
import dev.distillery.orchestrator.store.RunStore;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Executor overhead per record and heap while streaming N records through source → filter → export (the
 * orchestrator issue's benchmark), against a baseline measured in the same run: the same read, filter and write as a
 * plain loop over {@link Datasets} (no stages, no run store). Run it with a small heap to see that memory stays flat:
 *
 * <pre>java -Xmx256m -cp ... dev.distillery.orchestrator.run.bench.PipelineBench 1000000</pre>
 */
public final class PipelineBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path tmp = Files.createTempDirectory("distillery-pipeline-bench");
        try {
            Path input = tmp.resolve("in.jsonl");
            SplittableRandom rng = new SplittableRandom(1);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(input), 1 << 16)) {
                for (int i = 0; i < n; i++) {
                    DataRecord r = DataRecord.of(new Payload.PromptCompletion(new dev.distillery.datasets.model.PlainText("Question " + i + ": what is "
                            + rng.nextInt(100) + " + " + rng.nextInt(100) + "?"), new dev.distillery.datasets.model.PlainText("Answer " + rng.nextInt(200))))
                            .withScore("quality", Score.of(rng.nextDouble()));
                    out.write(RecordCodec.encode(r));
                    out.write('\n');
                }
            }
            System.out.printf(Locale.ROOT, "PipelineBench: %,d records (%.0f MB), %s, max heap %d MiB%n", n,
                    Files.size(input) / 1e6, Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);

            // Baseline: the same work as one loop.
            HeapWatch w0 = HeapWatch.start();
            long c0 = cpuNanos();
            long t0 = System.nanoTime();
            long kept0 = 0;
            try (RecordIterator it = Datasets.input(input, "distillery").open();
                 Datasets.Output out = Datasets.output(tmp.resolve("baseline.jsonl"), "prompt-completion",
                         Datasets.WriteOptions.defaults())) {
                while (it.hasNext()) {
                    DataRecord r = it.next();
                    if (r.scores().get("quality").value() >= 0.5) {
                        out.write(r);
                        kept0++;
                    }
                }
                out.commit();
            }
            double base = (System.nanoTime() - t0) / 1e9;
            double baseCpu = (cpuNanos() - c0) / 1e9;
            long heap0 = w0.stop();

            PipelineSpec spec = PipelineSpecs.parse("""
                    name: bench
                    stages:
                      - {name: source, kind: source, path: in.jsonl}
                      - {name: keep, kind: filter, inputs: [source], score: quality, min: 0.5}
                      - {name: export, kind: export, inputs: [keep], path: out.jsonl, format: prompt-completion}
                    """, "bench.yaml", SpecCatalog.offline());
            HeapWatch w1 = HeapWatch.start();
            long c1 = cpuNanos();
            long t1 = System.nanoTime();
            PipelineRunner.RunResult result;
            try (RunStore store = RunStore.open(tmp.resolve("runs"))) {
                RunRecord run = store.createRun("bench", PipelineSpecs.toYaml(spec), "bench");
                result = PipelineRunner.builder(spec, run.runDir(), new StoreLedger(store, run.id())).baseDir(tmp).build().run();
            }
            double pipe = (System.nanoTime() - t1) / 1e9;
            double pipeCpu = (cpuNanos() - c1) / 1e9;
            long heap1 = w1.stop();
            if (!result.succeeded()) throw new IllegalStateException(result.toString());
            long kept1 = Files.lines(tmp.resolve("out.jsonl")).count();
            if (kept1 != kept0) throw new IllegalStateException("kept " + kept1 + " vs baseline " + kept0);

            // CPU seconds of the whole process (every thread, GC and JIT included) beside wall time: on a machine
            // shared with other work, wall time mostly measures the others; CPU time much less so.
            System.out.printf(Locale.ROOT, "%-52s %10s %10s %10s %12s%n", "", "seconds", "CPU s", "records/s",
                    "heap peak MiB");
            System.out.printf(Locale.ROOT, "%-52s %10.1f %10.1f %,10.0f %12d  (baseline)%n",
                    "baseline: read, filter, write in one loop", base, baseCpu, n / base, heap0 >> 20);
            System.out.printf(Locale.ROOT, "%-52s %10.1f %10.1f %,10.0f %12d  %.2fx baseline time, %.2fx its CPU%n",
                    "pipeline: source -> filter -> export, run store", pipe, pipeCpu, n / pipe, heap1 >> 20, pipe / base,
                    pipeCpu / baseCpu);
            System.out.printf(Locale.ROOT, "executor overhead: %.1f µs per record wall, %.1f µs CPU (%,d kept)%n",
                    (pipe - base) / n * 1e6, (pipeCpu - baseCpu) / n * 1e6, kept1);
        } finally {
            try (Stream<Path> walk = Files.walk(tmp)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** CPU time of this process so far, all threads. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Peak heap use after collections (old-generation pools' collection usage), sampled in the background. */
    private static final class HeapWatch {
        private volatile boolean running = true;
        private volatile long peak;
        private final Thread thread;

        private HeapWatch() {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    long used = 0;
                    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                        if (pool.getType() == MemoryType.HEAP && pool.getUsage() != null) used += pool.getUsage().getUsed();
                    }
                    peak = Math.max(peak, used);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static HeapWatch start() {
            System.gc();
            return new HeapWatch();
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return peak;
        }
    }
}
