package dev.distillery.orchestrator.judging;

import dev.distillery.datasets.json.RecordCodec;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;
import dev.distillery.orchestrator.store.RunDirectory;
import dev.distillery.orchestrator.store.Secrets;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * What {@code GET /api/runs/{id}/judges} costs on a large run, against a baseline measured in the same run: one pass
 * that only decodes every record of the last judge stage. The run: N answers with a human label (1-5), an LLM grade
 * (1-10) and a verifier's 0/1, in three stages (source, judge, verifier judge) and a filter, so the overview reads
 * three files and computes three report cards (grade vs human, grade vs verifier, verifier vs human).
 *
 * <pre>
 * java -cp orchestrator/target/classes:orchestrator/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.distillery.orchestrator.judging.JudgeOverviewBench 100000
 * </pre>
 *
 * Prints wall and process CPU milliseconds (median of 3 after one warm-up); the bootstrap runs on every core, so CPU
 * time is the figure that does not depend on how busy a shared machine is.
 */
public final class JudgeOverviewBench {

    private JudgeOverviewBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path root = Files.createTempDirectory("judge-overview-bench");
        RunDirectory dir = RunDirectory.at(root.resolve("run"), Secrets.of(Map.of())).create();
        PipelineSpec spec = PipelineSpecs.parse("""
                name: bench
                models:
                  grader: {provider: sandbox}
                stages:
                  - {name: seeds, kind: source, path: seeds.jsonl}
                  - {name: graded, kind: judge, inputs: [seeds], judge: single-grade, models: {judge: grader}}
                  - {name: checked, kind: judge, inputs: [graded], judge: sandbox-verifier}
                  - {name: keep, kind: filter, inputs: [checked], score: "single-grade:m", min: 7}
                """, "bench.yaml", SpecCatalog.offline());
        write(dir, n);
        Path last = dir.stageDir("checked").resolve("records.jsonl");
        System.out.printf(Locale.ROOT, "%d records per stage, %.1f MiB in the last stage, %d cores%n", n,
                Files.size(last) / 1048576.0, Runtime.getRuntime().availableProcessors());

        row("baseline: decode every record of one stage", () -> {
            long c = 0;
            try (StageRecords it = StageRecords.open(last, Long.MAX_VALUE)) {
                while (it.hasNext()) c += it.next().scores().size();
            }
            return c;
        });
        row("overview, first 10,000 records, 1,000 resamples (the default request)",
                () -> run(dir, spec, 10_000, 1000));
        row("overview, all records, no resamples", () -> run(dir, spec, n, 0));
        row("overview, all records, 1,000 resamples", () -> run(dir, spec, n, 1000));
    }

    private static long run(RunDirectory dir, PipelineSpec spec, long limit, int resamples) {
        JudgeOverview o = JudgeOverviews.builder(dir, spec).limit(limit).resamples(resamples).build()
                .compute("bench", Map.of());
        return o.stages().stream().mapToLong(s -> s.reportCards().size()).sum();
    }

    private static Double baselineCpu;

    private static void row(String what, LongSupplier work) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long sink = work.getAsLong(); // warm-up
        double[] wall = new double[3];
        double[] cpu = new double[3];
        for (int i = 0; i < 3; i++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            sink += work.getAsLong();
            wall[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (os.getProcessCpuTime() - c0) / 1e6;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        if (baselineCpu == null) baselineCpu = cpu[1];
        System.out.printf(Locale.ROOT, "%-72s wall %8.0f ms  cpu %8.0f ms  (%.1fx baseline cpu)  [%d]%n", what, wall[1],
                cpu[1], cpu[1] / baselineCpu, sink);
    }

    /** Three stages as the pipeline would leave them: each one's records carry the scores of the stages before it. */
    private static void write(RunDirectory dir, int n) throws Exception {
        SplittableRandom rng = new SplittableRandom(7);
        try (OutputStream seeds = out(dir, "seeds"); OutputStream graded = out(dir, "graded");
             OutputStream checked = out(dir, "checked")) {
            for (int i = 0; i < n; i++) {
                int label = 1 + rng.nextInt(5);
                DataRecord r = DataRecord.of(new Payload.PromptCompletion(new PlainText("Question " + (i / 2)
                        + ": what is " + i + " plus " + label + "?"), new PlainText("The answer is " + (i + label) + ".")))
                        .withScore("human", new Score(label, "label"));
                line(seeds, r);
                // The grader tracks the label with noise and fails on 1 in 50.
                if (rng.nextInt(50) != 0) {
                    int grade = Math.max(1, Math.min(10, 2 * label + rng.nextInt(3) - 1));
                    r = r.withScore("single-grade:m", new Score(grade, "Rating: [[" + grade + "]]"));
                }
                line(graded, r);
                r = r.withScore("sandbox-verifier", new Score(label >= 3 ^ rng.nextInt(10) == 0 ? 1 : 0, "check"));
                line(checked, r);
            }
        }
    }

    private static OutputStream out(RunDirectory dir, String stage) throws Exception {
        Files.createDirectories(dir.stageDir(stage));
        return new BufferedOutputStream(Files.newOutputStream(dir.stageDir(stage).resolve("records.jsonl")), 1 << 16);
    }

    private static void line(OutputStream out, DataRecord r) throws Exception {
        out.write(RecordCodec.encode(r));
        out.write('\n');
    }
}
