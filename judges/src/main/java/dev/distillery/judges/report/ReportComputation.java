package dev.distillery.judges.report;

import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The work behind {@link ReportCards#compute}. Every item is first reduced to small codes (its confusion-table cell,
 * whether the judge preferred the longer answer, its calibration bin, ...); a {@code Tally} adds codes up, and every
 * statistic is a function of a tally. The point estimate is the tally of all items; a bootstrap resample is the tally
 * of every item weighted by how often its group was drawn, so a resample costs one sequential pass over small
 * integers instead of recomputing from records.
 */
final class ReportComputation {

    private static final int STATS = Statistic.values().length;
    private static final double[] PAIRWISE_CATEGORIES = {JudgedItem.SECOND, JudgedItem.TIE, JudgedItem.FIRST};

    private final ReportOptions options;
    private final ReportCard.Kind kind;
    /** The items in group order: the items of group g are {@code items[groupStart[g] .. groupStart[g + 1])}. */
    private final List<JudgedItem> items;
    private final List<String> notes = new ArrayList<>();
    private final EnumSet<Statistic> applicable = EnumSet.noneOf(Statistic.class);

    private long unjudged;
    private boolean discrete;
    private double[] categories = new double[0];
    private int k;

    // Per-item codes; -1 means "does not take part".
    private final int n;
    private final int[] cell;
    private final boolean[] compared;
    private final byte[] swap;
    private final byte[] judgeLonger;
    private final byte[] referenceLonger;
    private final int[] calibrationBin;
    private final double[] calibrationConfidence;
    private final boolean[] calibrationCorrect;
    private final double[] calibrationSquaredError;
    private int jurySize;
    private int juryCategoryCount;
    private double[] juryCategories = new double[0];
    private int[] juryCodes = new int[0];
    private final double[] juryAgreement;

    private int[] groupStart;

    // Continuous scored items only: the compared items ranked once, and each position's index among them.
    private RankCorrelation.Ranked ranked;
    private int[] rankedIndex;

    ReportComputation(List<JudgedItem> items, ReportOptions options) {
        this.options = options;
        this.kind = kindOf(items);
        this.items = inGroupOrder(items);
        this.n = items.size();
        cell = new int[n];
        compared = new boolean[n];
        swap = new byte[n];
        judgeLonger = new byte[n];
        referenceLonger = new byte[n];
        calibrationBin = new int[n];
        calibrationConfidence = new double[n];
        calibrationCorrect = new boolean[n];
        calibrationSquaredError = new double[n];
        juryAgreement = new double[n];
        Arrays.fill(cell, -1);
        Arrays.fill(swap, (byte) -1);
        Arrays.fill(judgeLonger, (byte) -1);
        Arrays.fill(referenceLonger, (byte) -1);
        Arrays.fill(calibrationBin, -1);
        Arrays.fill(juryAgreement, Double.NaN);
        prepareAgreement();
        preparePairs();
        prepareCalibration();
        prepareJury();
    }

    private static ReportCard.Kind kindOf(List<JudgedItem> items) {
        long pairs = items.stream().filter(i -> i.pair() != null).count();
        if (pairs != 0 && pairs != items.size()) {
            throw new IllegalArgumentException(pairs + " of " + items.size() + " items are pairwise; a report card "
                    + "covers either scored items or pairwise verdicts, not a mix");
        }
        return pairs > 0 ? ReportCard.Kind.PAIRWISE : ReportCard.Kind.SCORED;
    }

    ReportCard.Kind kind() {
        return kind;
    }

    long unjudged() {
        return unjudged;
    }

    List<String> notes() {
        return notes;
    }

    int groups() {
        return groupStart.length - 1;
    }

    // ---- preparation -------------------------------------------------------------------------------------------

    private void prepareAgreement() {
        Distinct distinct = new Distinct(options.maxCategories());
        for (int i = 0; i < n; i++) {
            JudgedItem it = items.get(i);
            if (!it.judged()) {
                unjudged++;
                continue;
            }
            compared[i] = true;
            distinct.add(it.judge());
            distinct.add(it.reference());
        }
        if (kind == ReportCard.Kind.PAIRWISE) {
            categories = PAIRWISE_CATEGORIES;
            discrete = true;
        } else {
            discrete = !distinct.overflow;
            if (discrete) categories = distinct.values();
        }
        k = categories.length;
        if (discrete) {
            for (int i = 0; i < n; i++) {
                if (!compared[i]) continue;
                JudgedItem it = items.get(i);
                cell[i] = Arrays.binarySearch(categories, it.judge()) * k + Arrays.binarySearch(categories, it.reference());
            }
            applicable.add(Statistic.ACCURACY);
            applicable.add(Statistic.COHEN_KAPPA);
        } else {
            notes.add("scores take more than " + options.maxCategories() + " distinct values: treated as continuous, "
                    + "so no accuracy, kappa or confusion matrix (raise maxCategories if they are ordinal)");
        }
        if (kind == ReportCard.Kind.PAIRWISE) {
            applicable.add(Statistic.ACCURACY_TIES_HALF);
            applicable.add(Statistic.ACCURACY_WITHOUT_TIES);
            notes.add("rank correlations and weighted kappa are for scored items; pairwise verdicts get accuracy and "
                    + "Cohen's kappa over {second, tie, first}");
        } else {
            applicable.add(Statistic.SPEARMAN);
            applicable.add(Statistic.KENDALL_TAU_B);
            if (!discrete) {
                double[][] xy = comparedValues();
                ranked = RankCorrelation.Ranked.of(xy[0], xy[1]);
                rankedIndex = new int[n];
                int at = 0;
                for (int i = 0; i < n; i++) rankedIndex[i] = compared[i] ? at++ : -1;
            }
            if (discrete) {
                applicable.add(Statistic.LINEAR_WEIGHTED_KAPPA);
                applicable.add(Statistic.QUADRATIC_WEIGHTED_KAPPA);
                // A pass/fail judge against a pass/fail reference (a filter against a verifier): what a user wants
                // to know is how much of what it lets through is right, and how much of the right it lets through.
                if (Arrays.stream(categories).allMatch(c -> c == 0 || c == 1)) {
                    applicable.add(Statistic.PRECISION);
                    applicable.add(Statistic.RECALL);
                }
            }
        }
    }

    private void preparePairs() {
        if (kind != ReportCard.Kind.PAIRWISE) return;
        boolean anySwap = false;
        for (int i = 0; i < n; i++) {
            JudgedItem it = items.get(i);
            JudgedItem.Pair p = it.pair();
            if (p.swapConsistent() != null && it.judged()) {
                swap[i] = (byte) (p.swapConsistent() ? 1 : 0);
                anySwap = true;
            }
            int diff = p.firstLength() - p.secondLength();
            if (Math.abs(diff) > options.lengthMargin()) {
                boolean firstLonger = diff > 0;
                if (it.judged() && it.judge() != JudgedItem.TIE) {
                    judgeLonger[i] = (byte) ((it.judge() == JudgedItem.FIRST) == firstLonger ? 1 : 0);
                }
                if (it.reference() != JudgedItem.TIE) {
                    referenceLonger[i] = (byte) ((it.reference() == JudgedItem.FIRST) == firstLonger ? 1 : 0);
                }
            }
        }
        applicable.add(Statistic.JUDGE_PREFERS_LONGER);
        applicable.add(Statistic.REFERENCE_PREFERS_LONGER);
        if (anySwap) {
            applicable.add(Statistic.SWAP_CONSISTENCY);
        } else {
            notes.add("no swap-consistency information: run the pairwise judge in both orders to get it");
        }
    }

    private void prepareCalibration() {
        long withProbability = 0;
        long nonBinary = 0;
        long used = 0;
        int bins = options.calibrationBins();
        for (int i = 0; i < n; i++) {
            JudgedItem it = items.get(i);
            if (Double.isNaN(it.probability())) continue;
            withProbability++;
            double y;
            if (kind == ReportCard.Kind.PAIRWISE) {
                if (it.reference() == JudgedItem.TIE) continue; // a tie is neither outcome: no calibration target
                y = it.reference();
            } else if (it.reference() == 0 || it.reference() == 1) {
                y = it.reference();
            } else {
                nonBinary++;
                continue;
            }
            double p = it.probability();
            double c = Calibration.confidence(p);
            calibrationBin[i] = Calibration.bin(c, bins);
            calibrationConfidence[i] = c;
            calibrationCorrect[i] = Calibration.correct(p, y);
            calibrationSquaredError[i] = (p - y) * (p - y);
            used++;
        }
        if (withProbability == 0) {
            notes.add("no probabilities: no calibration (ECE, Brier, reliability diagram)");
        } else if (used == 0) {
            notes.add("probabilities present but no item has a binary outcome (reference 0/1 or a decided pair): "
                    + "no calibration");
        } else {
            applicable.add(Statistic.ECE);
            applicable.add(Statistic.BRIER);
            if (nonBinary > 0) notes.add(nonBinary + " items with a probability but a non-binary reference are "
                    + "left out of calibration");
        }
    }

    private void prepareJury() {
        for (JudgedItem it : items) jurySize = Math.max(jurySize, it.jury().size());
        if (jurySize == 0) return;
        if (jurySize < 2) {
            notes.add("a jury of one: no Fleiss' kappa");
            return;
        }
        Distinct distinct = new Distinct(options.maxCategories());
        long incomplete = 0;
        for (JudgedItem it : items) {
            if (!complete(it.jury())) continue;
            for (Double v : it.jury()) distinct.add(v);
        }
        if (distinct.overflow) {
            notes.add("jury votes take more than " + options.maxCategories() + " distinct values: no Fleiss' kappa");
            return;
        }
        juryCategories = distinct.values();
        juryCategoryCount = juryCategories.length;
        juryCodes = new int[n * jurySize];
        Arrays.fill(juryCodes, -1);
        int[] counts = new int[juryCategoryCount];
        for (int i = 0; i < n; i++) {
            List<Double> votes = items.get(i).jury();
            if (!complete(votes)) {
                if (!votes.isEmpty()) incomplete++;
                continue;
            }
            Arrays.fill(counts, 0);
            for (int r = 0; r < jurySize; r++) {
                int c = Arrays.binarySearch(juryCategories, votes.get(r));
                juryCodes[i * jurySize + r] = c;
                counts[c]++;
            }
            long agreeing = 0;
            for (int c : counts) agreeing += (long) c * (c - 1);
            juryAgreement[i] = (double) agreeing / ((long) jurySize * (jurySize - 1));
        }
        applicable.add(Statistic.FLEISS_KAPPA);
        if (incomplete > 0) notes.add(incomplete + " items lack a vote of some of the " + jurySize
                + " jury members and are left out of Fleiss' kappa");
    }

    private boolean complete(List<Double> votes) {
        if (votes.size() != jurySize) return false;
        for (Double v : votes) if (v == null || v.isNaN()) return false;
        return true;
    }

    /**
     * Sorts items so each group is one contiguous run (groups in order of first appearance). A bootstrap resample then
     * walks the per-item code arrays front to back, weighting each group by how often it was drawn, instead of jumping
     * around memory.
     */
    private List<JudgedItem> inGroupOrder(List<JudgedItem> in) {
        int size = in.size();
        Map<String, Integer> index = new HashMap<>();
        int[] groupOf = new int[size];
        int groups = 0;
        for (int i = 0; i < size; i++) {
            String g = in.get(i).group();
            if (g == null) {
                groupOf[i] = groups++;
            } else {
                Integer known = index.get(g);
                if (known == null) {
                    known = groups++;
                    index.put(g, known);
                }
                groupOf[i] = known;
            }
        }
        groupStart = new int[groups + 1];
        for (int g : groupOf) groupStart[g + 1]++;
        for (int g = 0; g < groups; g++) groupStart[g + 1] += groupStart[g];
        JudgedItem[] ordered = new JudgedItem[size];
        int[] fill = Arrays.copyOf(groupStart, groups);
        for (int i = 0; i < size; i++) ordered[fill[groupOf[i]]++] = in.get(i);
        return Arrays.asList(ordered);
    }

    /** The distinct values seen, sorted, up to a limit; primitive so a pass over 10^5 items does not box. */
    private static final class Distinct {
        private final int limit;
        private double[] values = new double[8];
        private int size;
        boolean overflow;

        Distinct(int limit) {
            this.limit = limit;
        }

        void add(double v) {
            if (overflow) return;
            int at = Arrays.binarySearch(values, 0, size, v);
            if (at >= 0) return;
            if (size == limit) {
                overflow = true;
                return;
            }
            at = -at - 1;
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            System.arraycopy(values, at, values, at + 1, size - at);
            values[at] = v;
            size++;
        }

        double[] values() {
            return Arrays.copyOf(values, size);
        }
    }

    // ---- tallies -----------------------------------------------------------------------------------------------

    /** Sums that every statistic is computed from. */
    final class Tally {
        final long[] table = new long[k * k];
        long swapSeen;
        long swapConsistent;
        long judgeLongerSeen;
        long judgeLongerYes;
        long referenceLongerSeen;
        long referenceLongerYes;
        final Calibration.Bins bins = new Calibration.Bins(options.calibrationBins());
        double juryAgreementSum;
        long juryItems;
        final long[] juryTotals = new long[juryCategoryCount];
        // Continuous scores only: how often each compared item is in the sample, for the weighted rank correlations.
        final int[] weights = ranked == null ? null : new int[ranked.xCat().length];

        /** Counts item {@code i} {@code w} times (its group was drawn w times). */
        void add(int i, int w) {
            if (cell[i] >= 0) table[cell[i]] += w;
            if (weights != null && rankedIndex[i] >= 0) weights[rankedIndex[i]] += w;
            if (swap[i] >= 0) {
                swapSeen += w;
                swapConsistent += (long) swap[i] * w;
            }
            if (judgeLonger[i] >= 0) {
                judgeLongerSeen += w;
                judgeLongerYes += (long) judgeLonger[i] * w;
            }
            if (referenceLonger[i] >= 0) {
                referenceLongerSeen += w;
                referenceLongerYes += (long) referenceLonger[i] * w;
            }
            if (calibrationBin[i] >= 0) {
                bins.add(calibrationBin[i], calibrationConfidence[i], calibrationCorrect[i], calibrationSquaredError[i], w);
            }
            if (!Double.isNaN(juryAgreement[i])) {
                juryAgreementSum += juryAgreement[i] * w;
                juryItems += w;
                for (int r = 0; r < jurySize; r++) juryTotals[juryCodes[i * jurySize + r]] += w;
            }
        }

        long tableTotal() {
            long s = 0;
            for (long c : table) s += c;
            return s;
        }
    }

    Tally all() {
        Tally t = new Tally();
        for (int i = 0; i < n; i++) t.add(i, 1);
        return t;
    }

    /** Every statistic of a tally, indexed by {@link Statistic#ordinal()}; NaN where not applicable or undefined. */
    double[] values(Tally t, boolean pointEstimate) {
        double[] v = new double[STATS];
        Arrays.fill(v, Double.NaN);
        if (discrete) {
            long total = t.tableTotal();
            double diag = 0;
            double half = 0;
            double decided = 0;
            double decidedAgree = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    long c = t.table[i * k + j];
                    if (i == j) diag += c;
                    half += c * (1 - Math.abs(categories[i] - categories[j]));
                    if (categories[i] != JudgedItem.TIE && categories[j] != JudgedItem.TIE) {
                        decided += c;
                        if (i == j) decidedAgree += c;
                    }
                }
            }
            set(v, Statistic.ACCURACY, total == 0 ? Double.NaN : diag / total);
            set(v, Statistic.ACCURACY_TIES_HALF, total == 0 ? Double.NaN : half / total);
            set(v, Statistic.ACCURACY_WITHOUT_TIES, decided == 0 ? Double.NaN : decidedAgree / decided);
            set(v, Statistic.COHEN_KAPPA, Agreement.cohenKappa(t.table, k));
            set(v, Statistic.LINEAR_WEIGHTED_KAPPA,
                    Agreement.weightedKappa(t.table, categories, Agreement.Weighting.LINEAR));
            set(v, Statistic.QUADRATIC_WEIGHTED_KAPPA,
                    Agreement.weightedKappa(t.table, categories, Agreement.Weighting.QUADRATIC));
            if (applicable.contains(Statistic.PRECISION)) {
                long[] pr = passCells(t);
                set(v, Statistic.PRECISION, ratio(pr[0], pr[0] + pr[1]));
                set(v, Statistic.RECALL, ratio(pr[0], pr[0] + pr[2]));
            }
            if (!pointEstimate) {
                set(v, Statistic.SPEARMAN, RankCorrelation.spearman(t.table, k, k));
                set(v, Statistic.KENDALL_TAU_B, RankCorrelation.kendallTauB(t.table, k, k));
            }
        } else if (!pointEstimate && ranked != null) {
            set(v, Statistic.SPEARMAN, ranked.spearman(t.weights));
            set(v, Statistic.KENDALL_TAU_B, ranked.kendallTauB(t.weights));
        }
        if (pointEstimate && applicable.contains(Statistic.SPEARMAN)) {
            // The headline value comes from Commons Math on the raw values, whatever the bootstrap uses.
            double[][] xy = comparedValues();
            set(v, Statistic.SPEARMAN, RankCorrelation.spearman(xy[0], xy[1]));
            set(v, Statistic.KENDALL_TAU_B, RankCorrelation.kendallTauB(xy[0], xy[1]));
        }
        set(v, Statistic.SWAP_CONSISTENCY, ratio(t.swapConsistent, t.swapSeen));
        set(v, Statistic.JUDGE_PREFERS_LONGER, ratio(t.judgeLongerYes, t.judgeLongerSeen));
        set(v, Statistic.REFERENCE_PREFERS_LONGER, ratio(t.referenceLongerYes, t.referenceLongerSeen));
        set(v, Statistic.ECE, t.bins.ece());
        set(v, Statistic.BRIER, t.bins.brier());
        set(v, Statistic.FLEISS_KAPPA,
                Agreement.fleissKappa(t.juryAgreementSum, t.juryItems, t.juryTotals, Math.max(jurySize, 2)));
        return v;
    }

    private void set(double[] v, Statistic s, double value) {
        if (applicable.contains(s)) v[s.ordinal()] = value;
    }

    /**
     * For 0/1 scores: {true positives, false positives (judge 1, reference 0), false negatives (judge 0, reference 1)}
     * of a tally. Either value may be absent from the categories (every item passed, say): its cells are 0.
     */
    private long[] passCells(Tally t) {
        int one = Arrays.binarySearch(categories, 1.0);
        int zero = Arrays.binarySearch(categories, 0.0);
        long tp = one >= 0 ? t.table[one * k + one] : 0;
        long fp = one >= 0 && zero >= 0 ? t.table[one * k + zero] : 0;
        long fn = one >= 0 && zero >= 0 ? t.table[zero * k + one] : 0;
        return new long[] {tp, fp, fn};
    }

    private static double ratio(long yes, long seen) {
        return seen == 0 ? Double.NaN : (double) yes / seen;
    }

    /** How many items each statistic of the full tally is computed on. */
    long count(Tally t, Statistic s) {
        return switch (s) {
            case ACCURACY, ACCURACY_TIES_HALF, COHEN_KAPPA, LINEAR_WEIGHTED_KAPPA, QUADRATIC_WEIGHTED_KAPPA,
                 SPEARMAN, KENDALL_TAU_B -> n - unjudged;
            case ACCURACY_WITHOUT_TIES -> {
                long d = 0;
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        if (categories[i] != JudgedItem.TIE && categories[j] != JudgedItem.TIE) d += t.table[i * k + j];
                    }
                }
                yield d;
            }
            case PRECISION -> {
                long[] pr = passCells(t);
                yield pr[0] + pr[1];
            }
            case RECALL -> {
                long[] pr = passCells(t);
                yield pr[0] + pr[2];
            }
            case FLEISS_KAPPA -> t.juryItems;
            case SWAP_CONSISTENCY -> t.swapSeen;
            case JUDGE_PREFERS_LONGER -> t.judgeLongerSeen;
            case REFERENCE_PREFERS_LONGER -> t.referenceLongerSeen;
            case ECE, BRIER -> t.bins.n;
        };
    }

    double[][] comparedValues() {
        int m = (int) (n - unjudged);
        double[] x = new double[m];
        double[] y = new double[m];
        int at = 0;
        for (int i = 0; i < n; i++) {
            if (!compared[i]) continue;
            x[at] = items.get(i).judge();
            y[at++] = items.get(i).reference();
        }
        return new double[][] {x, y};
    }

    // ---- bootstrap ---------------------------------------------------------------------------------------------

    /** {@code resamples x STATS} values, one row per resample of groups with replacement. */
    double[][] bootstrap() {
        int resamples = options.resamples();
        int groups = groups();
        double[][] out = new double[resamples][];
        if (groups == 0) return new double[0][];
        IntStream range = IntStream.range(0, resamples);
        if (options.parallel()) range = range.parallel();
        range.forEach(b -> {
            // One generator per resample, seeded from (seed, b): the result does not depend on thread scheduling.
            SplittableRandom rng = new SplittableRandom(mix(options.seed() ^ mix(b + 0x632BE59BD9B4E019L)));
            // Draw G groups with replacement as multiplicities, then one sequential pass weighting each group.
            int[] drawn = new int[groups];
            for (int g = 0; g < groups; g++) drawn[rng.nextInt(groups)]++;
            Tally t = new Tally();
            for (int g = 0; g < groups; g++) {
                int w = drawn[g];
                if (w == 0) continue;
                for (int at = groupStart[g]; at < groupStart[g + 1]; at++) t.add(at, w);
            }
            out[b] = values(t, false);
        });
        return out;
    }

    /** Percentile interval of statistic {@code s}; null when no resample defined it. */
    Double[] interval(double[][] boot, Statistic s) {
        double[] vals = new double[boot.length];
        int m = 0;
        for (double[] row : boot) {
            double v = row[s.ordinal()];
            if (!Double.isNaN(v)) vals[m++] = v;
        }
        if (m == 0) return null;
        Percentile pct = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        pct.setData(vals, 0, m);
        double tail = (1 - options.confidence()) / 2 * 100;
        return new Double[] {pct.evaluate(tail), pct.evaluate(100 - tail)};
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser: decorrelates neighbouring seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    // ---- card parts --------------------------------------------------------------------------------------------

    boolean applicable(Statistic s) {
        return applicable.contains(s);
    }

    ReportCard.ConfusionMatrix confusion(Tally t) {
        if (!discrete) return null;
        long[][] counts = new long[k][k];
        for (int i = 0; i < k; i++) System.arraycopy(t.table, i * k, counts[i], 0, k);
        return new ReportCard.ConfusionMatrix(Arrays.stream(categories).boxed().toList(), counts);
    }

    List<Calibration.ReliabilityBin> reliability(Tally t) {
        return applicable.contains(Statistic.ECE) ? t.bins.diagram() : List.of();
    }

    List<ReportCard.HistogramBin> histogram(boolean judgeSide) {
        List<ReportCard.HistogramBin> out = new ArrayList<>();
        double[][] xy = comparedValues();
        double[] values = judgeSide ? xy[0] : xy[1];
        if (values.length == 0) return out;
        if (discrete) {
            long[] counts = new long[k];
            for (double v : values) counts[Arrays.binarySearch(categories, v)]++;
            for (int c = 0; c < k; c++) out.add(new ReportCard.HistogramBin(categories[c], categories[c], counts[c]));
            return out;
        }
        double min = Arrays.stream(values).min().orElse(0);
        double max = Arrays.stream(values).max().orElse(0);
        int bins = options.histogramBins();
        double width = max > min ? (max - min) / bins : 1;
        long[] counts = new long[bins];
        for (double v : values) counts[Math.min((int) ((v - min) / width), bins - 1)]++;
        for (int b = 0; b < bins; b++) out.add(new ReportCard.HistogramBin(min + b * width, min + (b + 1) * width, counts[b]));
        return out;
    }
}
