package dev.distillery.bench;

import dev.distillery.judges.reward.BradleyTerryHead;
import dev.distillery.judges.reward.Embedder;
import dev.distillery.judges.reward.FeatureLayout;
import dev.distillery.judges.reward.RewardModel;
import dev.distillery.judges.reward.TrainingStats;
import dev.distillery.judges.semantic.SemanticDedup;
import dev.distillery.judges.semantic.Selection;
import dev.distillery.judges.spi.PairInput;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Reward-model scoring throughput and semantic-dedup throughput, each against a baseline measured in the same run.
 *
 * <pre>{@code java -cp $CP dev.distillery.bench.RewardModelBench [pairs] [dedupItems] [naiveItems]}</pre>
 *
 * <ol>
 *   <li><b>Scoring</b> ({@code pairs}, default 60): P(A ≻ B) for pairs whose texts are all distinct (so nothing
 *       is cached), embeddings included, with the in-process all-MiniLM-L6-v2. Baseline: embedding the same texts
 *       with the bare {@code EmbeddingModel}, no head. Both layouts are measured. The head alone (precomputed
 *       features) is reported too, to show where the time goes. The head's weights are random: speed does not
 *       depend on them.</li>
 *   <li><b>Semantic dedup</b> ({@code dedupItems}, default 20,000): embedding 100k texts on two cores takes
 *       ~15 minutes and exact greedy selection over 100k vectors needs ~1.7·10¹² multiply-adds (minutes on two
 *       cores), both beyond a 60 s bench; so selection is measured at 20k and projected to 100k from the measured
 *       multiply-add rate (pass 100000 to measure it directly). It runs on precomputed synthetic 384-d vectors (70% distinct Gaussian
 *       directions, 30% noisy copies of earlier items at cosines spread around the 0.9 threshold) and the
 *       embedding rate comes from part 1. Baseline: the same greedy with one scalar dot product at a time, on
 *       {@code naiveItems} (default 10,000) items, compared with SemanticDedup on the same items.</li>
 * </ol>
 * Each timing is the median of 3 runs after a warm-up. The last column, process CPU time over wall time, shows
 * contention: on an idle 2-core machine a parallel stage reads close to 2.0; far less means other load took the cores.
 */
public final class RewardModelBench {

    private static final String[] SUBJECTS = {"bread", "planets", "tomatoes", "football", "Python", "savings",
            "guitars", "vaccines", "trains", "volcanoes", "chess", "coffee"};

    private RewardModelBench() {
    }

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int dedupItems = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int naiveItems = args.length > 2 ? Integer.parseInt(args[2]) : 3_000;
        System.out.printf(Locale.ROOT, "cores %d, java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        scoring(pairs);
        dedup(dedupItems, naiveItems);
    }

    // ---------------------------------------------------------------- scoring

    private static List<PairInput> pairs(int n, int run) {
        SplittableRandom random = new SplittableRandom(7 + run);
        List<PairInput> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String s = SUBJECTS[random.nextInt(SUBJECTS.length)], t = SUBJECTS[random.nextInt(SUBJECTS.length)];
            // Run and index in every text: all texts distinct, nothing shared between runs.
            out.add(new PairInput("Question " + run + "." + i + ": what should a beginner know about " + s + "?",
                    "Answer " + i + ": a beginner should start with the basics of " + s + " and practise a little every day.",
                    "Answer " + i + ": " + t + " have a long history and many interesting facts worth reading about.", null));
        }
        return out;
    }

    private static BradleyTerryHead randomHead(Embedder e, FeatureLayout layout) {
        SplittableRandom random = new SplittableRandom(1);
        double[] w = new double[layout.dimension(e.dimension())];
        for (int j = 0; j < w.length; j++) w[j] = random.nextDouble(-1, 1);
        return new BradleyTerryHead(e.id(), e.dimension(), layout, w, 0.01, new TrainingStats(0, 0, 0, 0, true, 1));
    }

    private static void scoring(int n) {
        Embedder e = Embedder.miniLm();
        var joint = new RewardModel(randomHead(e, FeatureLayout.JOINT), e);
        var interaction = new RewardModel(randomHead(e, FeatureLayout.RESPONSE_AND_INTERACTION), e);
        int[] run = {0};

        double[] share = new double[4];
        double embedOnly = median(() -> {
            List<PairInput> ps = pairs(n, ++run[0]);
            List<String> texts = new ArrayList<>(2 * n);
            for (PairInput p : ps) {
                texts.add(p.prompt() + "\n\n" + p.first());
                texts.add(p.prompt() + "\n\n" + p.second());
            }
            long t0 = System.nanoTime();
            e.embed(texts);
            return System.nanoTime() - t0;
        });
        share[0] = lastCpuShare;
        double jointNs = median(() -> {
            List<PairInput> ps = pairs(n, ++run[0]);
            long t0 = System.nanoTime();
            joint.preferences(ps);
            return System.nanoTime() - t0;
        });
        share[1] = lastCpuShare;
        double interactionNs = median(() -> {
            List<PairInput> ps = pairs(n, ++run[0]);
            long t0 = System.nanoTime();
            interaction.preferences(ps);
            return System.nanoTime() - t0;
        });
        share[2] = lastCpuShare;
        // The head alone: n dot products of 384 doubles on precomputed difference vectors.
        BradleyTerryHead head = joint.head();
        SplittableRandom random = new SplittableRandom(3);
        double[][] a = new double[n][384], b = new double[n][384];
        for (int i = 0; i < n; i++) for (int j = 0; j < 384; j++) { a[i][j] = random.nextGaussian(); b[i][j] = random.nextGaussian(); }
        double headNs = median(() -> {
            long t0 = System.nanoTime();
            double s = 0;
            for (int rep = 0; rep < 100; rep++) for (int i = 0; i < n; i++) s += head.preference(a[i], b[i]);
            if (s == 42) System.out.print("");
            return System.nanoTime() - t0;
        });
        share[3] = lastCpuShare;

        System.out.printf(Locale.ROOT, "%nReward-model scoring, %d pairs of distinct texts, all-MiniLM-L6-v2 in process%n", n);
        System.out.printf(Locale.ROOT, "%-62s %12s %10s %8s %12s%n", "", "pairs/s", "vs base", "cpu/wall", "per CPU-s");
        lastCpuShare = share[0];
        row("baseline: embed the 2 joint texts per pair, no head", n / (embedOnly / 1e9), 1);
        lastCpuShare = share[1];
        row("reward model, joint layout (2 embeddings + head)", n / (jointNs / 1e9), embedOnly / jointNs);
        lastCpuShare = share[2];
        row("reward model, response+interaction (3 embeddings + head)", n / (interactionNs / 1e9), embedOnly / interactionNs);
        lastCpuShare = share[3];
        row("head alone on precomputed features", 100 * n / (headNs / 1e9), embedOnly / (headNs / 100));
    }

    // ---------------------------------------------------------------- dedup

    private static float[][] vectors(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int dim = 384;
        float[][] v = new float[n][dim];
        for (int i = 0; i < n; i++) {
            if (i > 0 && random.nextInt(10) < 3) {
                float[] src = v[random.nextInt(i)];
                // Noise ε per component gives cosine ≈ 1/sqrt(1 + ε²·dim/|src|²); spread around 0.9.
                double eps = random.nextDouble(0.2, 0.9) / Math.sqrt(dim);
                for (int j = 0; j < dim; j++) v[i][j] = (float) (src[j] + eps * random.nextGaussian());
            } else {
                double norm = 0;
                for (int j = 0; j < dim; j++) { v[i][j] = (float) random.nextGaussian(); norm += v[i][j] * v[i][j]; }
                float inv = (float) (1 / Math.sqrt(norm));
                for (int j = 0; j < dim; j++) v[i][j] *= inv;
            }
        }
        return v;
    }

    /** The baseline: greedy keep-first with one scalar dot product at a time, single thread. */
    private static int naiveGreedy(float[][] v, double threshold) {
        List<float[]> kept = new ArrayList<>();
        for (float[] x : v) {
            double nx = 0;
            for (float f : x) nx += f * f;
            boolean dup = false;
            for (float[] k : kept) {
                double dot = 0, nk = 0;
                for (int j = 0; j < x.length; j++) { dot += x[j] * k[j]; nk += k[j] * k[j]; }
                if (dot / Math.sqrt(nx * nk) > threshold) { dup = true; break; }
            }
            if (!dup) kept.add(x);
        }
        return kept.size();
    }

    private static void dedup(int n, int naiveN) {
        SemanticDedup dedup = SemanticDedup.builder().threshold(0.9).build();
        float[][] small = vectors(naiveN, 11);
        int[] keptNaive = new int[1];
        double naiveNs = median(() -> {
            long t0 = System.nanoTime();
            keptNaive[0] = naiveGreedy(small, 0.9);
            return System.nanoTime() - t0;
        });
        double naiveShare = lastCpuShare;
        Selection[] sel = new Selection[1];
        double smallNs = median(() -> {
            long t0 = System.nanoTime();
            sel[0] = dedup.select(small);
            return System.nanoTime() - t0;
        });
        double smallShare = lastCpuShare;
        if (sel[0].keptCount() != keptNaive[0]) {
            throw new AssertionError("naive kept " + keptNaive[0] + ", SemanticDedup kept " + sel[0].keptCount());
        }
        float[][] big = vectors(n, 12);
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        Selection s = dedup.select(big);
        double bigNs = System.nanoTime() - t0;
        double bigShare = (OS.getProcessCpuTime() - cpu0) / bigNs;

        System.out.printf(Locale.ROOT, "%nSemantic dedup selection (threshold 0.9, 384-d precomputed vectors)%n");
        System.out.printf(Locale.ROOT, "%-62s %12s %10s %8s %12s%n", "", "items/s", "vs base", "cpu/wall", "per CPU-s");
        lastCpuShare = naiveShare;
        row(String.format(Locale.ROOT, "baseline: scalar greedy, %,d items (kept %,d)", naiveN, keptNaive[0]),
                naiveN / (naiveNs / 1e9), 1);
        lastCpuShare = smallShare;
        row(String.format(Locale.ROOT, "SemanticDedup.select, %,d items", naiveN), naiveN / (smallNs / 1e9), naiveNs / smallNs);
        lastCpuShare = bigShare;
        row(String.format(Locale.ROOT, "SemanticDedup.select, %,d items (kept %,d), one run, %.1f s", n, s.keptCount(),
                bigNs / 1e9), n / (bigNs / 1e9), Double.NaN);
        double pairsCompared = 0;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            pairsCompared += kept;
            if (s.isKept(i)) kept++;
        }
        double macPerCpuSecond = pairsCompared * 384 / bigNs / bigShare * 1e9;
        System.out.printf(Locale.ROOT, "  %.3g cosine comparisons = %.2f G multiply-adds/s wall, %.2f G per CPU-second%n",
                pairsCompared, pairsCompared * 384 / bigNs, macPerCpuSecond / 1e9);
        // The greedy at 100k does about (100k)² · keepRate / 2 comparisons; project it from the measured rate.
        double keepRate = (double) s.keptCount() / n;
        double comparisons100k = 100_000.0 * 100_000.0 * keepRate / 2;
        System.out.printf(Locale.ROOT, "  projected 100k items at the same keep rate: %.3g comparisons, %.0f CPU-seconds"
                        + " (%.0f s on 2 fully available cores)%n", comparisons100k,
                comparisons100k * 384 / macPerCpuSecond, comparisons100k * 384 / macPerCpuSecond / 2);
    }

    // ---------------------------------------------------------------- helpers

    private static void row(String label, double perSecond, double ratio) {
        System.out.printf(Locale.ROOT, "%-62s %,12.0f %10s %8.2f %,12.0f%n", label, perSecond,
                Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio), lastCpuShare,
                perSecond / lastCpuShare);
    }

    private interface Timed {
        long nanos();
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** CPU seconds per wall second of the last {@link #median} call's median run: below the core count = contention. */
    private static double lastCpuShare;

    private static double median(Timed t) {
        t.nanos(); // warm-up
        long[][] runs = new long[3][];
        for (int r = 0; r < 3; r++) {
            long cpu0 = OS.getProcessCpuTime();
            long wall = t.nanos();
            runs[r] = new long[] {wall, OS.getProcessCpuTime() - cpu0};
        }
        java.util.Arrays.sort(runs, java.util.Comparator.comparingLong(x -> x[0]));
        lastCpuShare = (double) runs[1][1] / runs[1][0];
        return runs[1][0];
    }
}
