package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Score;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The difference in accuracy between two evaluations of the same items, with a paired bootstrap 95% interval: items
 * are resampled together, so the interval reflects how differently the two models did on the same questions rather
 * than how hard the questions were. Far tighter than comparing two separate intervals, which is what lets a study
 * with a few hundred held-out items tell its arms apart.
 */
final class PairedDifference {
    private static final int RESAMPLES = 2000;

    private PairedDifference() {
    }

    /**
     * Per group (and {@code all}): {difference a − b, low, high, items}. Items pair up by the evaluation record each
     * answer came from (its lineage parent); items only one side answered are left out.
     */
    static Map<String, double[]> estimate(Path a, Path b, String score, String groupBy, long seed) throws IOException {
        Map<String, Item> byId = new LinkedHashMap<>();
        read(a, score, groupBy, (id, group, ok) -> byId.put(id, new Item(group, ok)));
        Map<String, List<double[]>> groups = new LinkedHashMap<>();
        read(b, score, groupBy, (id, group, ok) -> {
            Item x = byId.get(id);
            if (x == null) return;
            groups.computeIfAbsent(x.group, k -> new ArrayList<>()).add(new double[]{x.correct ? 1 : 0, ok ? 1 : 0});
        });
        List<double[]> all = new ArrayList<>();
        groups.values().forEach(all::addAll);
        Map<String, double[]> out = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(seed);
        groups.forEach((g, items) -> out.put(g, bootstrap(items, rng)));
        if (!all.isEmpty()) out.put("all", bootstrap(all, rng));
        return out;
    }

    private static double[] bootstrap(List<double[]> items, SplittableRandom rng) {
        int n = items.size();
        double[] d = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            d[i] = items.get(i)[0] - items.get(i)[1];
            mean += d[i];
        }
        mean /= n;
        double[] draws = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += d[rng.nextInt(n)];
            draws[r] = sum / n;
        }
        Arrays.sort(draws);
        return new double[]{mean, draws[(int) (0.025 * (RESAMPLES - 1))], draws[(int) Math.ceil(0.975 * (RESAMPLES - 1))], n};
    }

    private record Item(String group, boolean correct) {
    }

    private interface Visitor {
        void visit(String id, String group, boolean correct);
    }

    /** {@code groupBy} null: one group, {@code all}. */
    private static void read(Path file, String score, String groupBy, Visitor v) throws IOException {
        try (RecordIterator it = Datasets.input(file, "distillery").open()) {
            while (it.hasNext()) {
                DataRecord r = it.next();
                Score s = r.scores().get(score);
                if (s == null || r.lineage().parentIds().isEmpty()) continue;
                v.visit(r.lineage().parentIds().getFirst(), groupBy == null ? "all" : EvalRunner.group(r, groupBy),
                        s.value() >= 0.5);
            }
        }
    }
}
