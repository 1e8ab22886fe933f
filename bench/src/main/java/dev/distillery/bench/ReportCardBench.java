package dev.distillery.bench;

import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.datasets.model.Score;
import dev.distillery.judges.report.JudgedItem;
import dev.distillery.judges.report.JudgedItemReader;
import dev.distillery.judges.report.ReportCard;
import dev.distillery.judges.report.ReportCards;
import dev.distillery.judges.report.ReportOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Report-card cost on synthetic judged sets, against a baseline measured in the same run: one pass over the items
 * computing accuracy alone (the cheapest thing a report card does).
 *
 * <pre>{@code java -cp <bench classpath> dev.distillery.bench.ReportCardBench [items] [resamples] [all|pairwise|ordinal|continuous]}</pre>
 *
 * Sets (seed 2026), 100,000 items each by default, two items per prompt (the bootstrap resamples 50,000 prompts):
 * <ul>
 *   <li>pairwise preference records: the reference is the dataset's chosen answer, the judge agrees 75% and ties
 *   10%, answer lengths 20-620
 *   characters with the judge leaning to the longer, swap consistency known, a probability per verdict, a jury of 3;
 *   <li>ordinal: 1-10 scores, judge = reference + noise in [-2, 2] clipped to the scale, a jury of 3;
 *   <li>continuous: a reward-model float (label + Gaussian noise, sd 1.5) against a 1-5 label.
 * </ul>
 * Every timing is the median of 3 runs after a warm-up of at least one run and half a second (the all-cores row: one
 * run, warm from the 1-thread rows). Ratios are of CPU time of the measuring thread (the host is shared, wall time
 * swings with other load); the all-cores row gives wall time only.
 */
public final class ReportCardBench {

    private static final int RUNS = 3;

    private ReportCardBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int resamples = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String only = args.length > 2 ? args[2] : "all";
        System.out.printf(Locale.ROOT, "%d items per set, %d bootstrap resamples, %d cores, %s%n", n, resamples,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));

        if (only.equals("all") || only.equals("pairwise")) {
            List<DataRecord> records = pairwiseRecords(n, 2026);
            JudgedItemReader reader = JudgedItemReader.pairwise("judge").probability("judge/p")
                    .swapConsistency("judge/swap").jury("j1", "j2", "j3").build();
            Timing read = time(() -> reader.read(RecordSource.of(records)));
            bench("pairwise", reader.read(RecordSource.of(records)), resamples, read);
        }
        if (only.equals("all") || only.equals("ordinal")) bench("ordinal 1-10", ordinalItems(n, 2026), resamples, null);
        if (only.equals("all") || only.equals("continuous")) {
            bench("continuous reward vs 1-5 label", continuousItems(n, 2026), resamples, null);
        }
    }

    private static void bench(String name, List<JudgedItem> items, int resamples, Timing read) {
        Timing base = time(() -> accuracyOnly(items));
        ReportOptions point = ReportOptions.builder().resamples(0).build();
        ReportOptions full = ReportOptions.builder().resamples(resamples).build();
        ReportOptions fullOneThread = ReportOptions.builder().resamples(resamples).parallel(false).build();
        Timing pointT = time(() -> ReportCards.compute("judge", "ref", items, point));
        Timing oneT = time(() -> ReportCards.compute("judge", "ref", items, fullOneThread));
        // Already warm from the 1-thread runs (same code): one timed run keeps the bench short on a shared host.
        Timing fullT = time(() -> ReportCards.compute("judge", "ref", items, full), 0, 1);

        ReportCard card = ReportCards.compute("judge", "ref", items, full);
        var headline = card.estimates().getFirst();
        System.out.printf(Locale.ROOT, "%n%s: %d statistics, %s %.4f%n", name, card.estimates().size(),
                headline.statistic().key(), headline.value());
        System.out.printf(Locale.ROOT, "%-50s %10s %10s %12s%n", "step", "wall ms", "cpu ms", "x baseline");
        row("baseline: one pass, accuracy alone", base, base, true);
        if (read != null) row("read " + items.size() + " preference records into items", read, base, true);
        row("report card, point estimates only", pointT, base, true);
        row("report card, " + resamples + " resamples, 1 thread", oneT, base, true);
        row("report card, " + resamples + " resamples, all cores", fullT, base, false);
        if (resamples > 0) {
            double perResample = (oneT.cpuMs - pointT.cpuMs) / resamples;
            System.out.printf(Locale.ROOT, "%-50s %10s %10.3f %12.1f%n", "  per resample (1 thread)", "",
                    perResample, perResample / base.cpuMs);
        }
    }

    /** Ratios use CPU time of the measuring thread where the work runs on it: robust to other load on the host. */
    private static void row(String name, Timing t, Timing base, boolean singleThread) {
        if (singleThread) {
            System.out.printf(Locale.ROOT, "%-50s %10.1f %10.1f %12.1f%n", name, t.wallMs, t.cpuMs, t.cpuMs / base.cpuMs);
        } else {
            System.out.printf(Locale.ROOT, "%-50s %10.1f %10s %12s%n", name, t.wallMs, "-", "-");
        }
    }

    private record Timing(double wallMs, double cpuMs) {
    }

    /** The baseline: exact agreement in one pass, nothing else. */
    private static double accuracyOnly(List<JudgedItem> items) {
        long agree = 0;
        long judged = 0;
        for (JudgedItem it : items) {
            if (!it.judged()) continue;
            judged++;
            if (it.judge() == it.reference()) agree++;
        }
        return (double) agree / judged;
    }

    private static Timing time(Supplier<Object> work) {
        return time(work, 1, RUNS);
    }

    private static Timing time(Supplier<Object> work, int minWarmups, int runs) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // Warm up until the JIT has seen the code for a while: at least minWarmups runs and half a second.
        Object keep = null;
        long warmStart = System.nanoTime();
        for (int i = 0; i < minWarmups || (minWarmups > 0 && System.nanoTime() - warmStart < 500_000_000L); i++) {
            keep = work.get();
        }
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            keep = work.get();
            wall[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        if (keep == null) System.out.print("");
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new Timing(wall[runs / 2], cpu[runs / 2]);
    }

    private static List<DataRecord> pairwiseRecords(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<DataRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int chosenLength = 20 + rnd.nextInt(600);
            int rejectedLength = 20 + rnd.nextInt(600);
            // The judge's preference for chosen: right 75%, wrong 15%, tie 10%; leaning to the longer answer.
            double u = rnd.nextDouble();
            boolean longerChosen = chosenLength > rejectedLength;
            double pref = u < 0.10 ? 0.5 : u < 0.85 ? 1 : 0;
            if (pref != 0.5 && rnd.nextDouble() < 0.1) pref = longerChosen ? 1 : 0;
            double p = pref == 0.5 ? 0.5 : pref == 1 ? 0.55 + 0.45 * rnd.nextDouble() : 0.45 * rnd.nextDouble();
            DataRecord r = new DataRecord("r" + i, null, new Payload.Preference(new PlainText("prompt " + i / 2),
                    new PlainText("c".repeat(chosenLength)), new PlainText("r".repeat(rejectedLength))), null, null, null)
                    .withScore("judge", Score.of(pref))
                    .withScore("judge/p", Score.of(p))
                    .withScore("judge/swap", Score.of(rnd.nextDouble() < 0.8 ? 1 : 0));
            for (int j = 1; j <= 3; j++) {
                r = r.withScore("j" + j, Score.of(rnd.nextDouble() < 0.7 ? 1 : rnd.nextBoolean() ? 0 : 0.5));
            }
            out.add(r);
        }
        return out;
    }

    /** A reward model's float score against a 1-5 label: too many distinct values for a table. */
    private static List<JudgedItem> continuousItems(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 2);
        List<JudgedItem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int label = 1 + rnd.nextInt(5);
            out.add(JudgedItem.scored("c" + i, "prompt " + i / 2, label + 1.5 * rnd.nextGaussian(), label));
        }
        return out;
    }

    private static List<JudgedItem> ordinalItems(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        List<JudgedItem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int ref = 1 + rnd.nextInt(10);
            int judge = Math.max(1, Math.min(10, ref + rnd.nextInt(5) - 2));
            List<Double> jury = new ArrayList<>(3);
            for (int j = 0; j < 3; j++) jury.add((double) Math.max(1, Math.min(10, ref + rnd.nextInt(3) - 1)));
            out.add(JudgedItem.scored("o" + i, "prompt " + i / 2, judge, ref).withJury(jury));
        }
        return out;
    }
}
