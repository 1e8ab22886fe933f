package dev.distillery.judges.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.distillery.judges.report.JudgedItem.FIRST;
import static dev.distillery.judges.report.JudgedItem.SECOND;
import static dev.distillery.judges.report.JudgedItem.TIE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCardsTest {

    private static final ReportOptions NO_BOOTSTRAP = ReportOptions.builder().resamples(0).build();

    private static double value(ReportCard card, Statistic s) {
        return card.estimate(s).orElseThrow(() -> new AssertionError(s + " missing; notes " + card.notes())).value();
    }

    private static JudgedItem.Pair sameLength() {
        return new JudgedItem.Pair(100, 100, null);
    }

    /**
     * Six pairwise verdicts (judge, reference): (F,F) (F,S) (T,F) (S,S) (T,T) (F,T), F = first, S = second, T = tie.
     * Tie as a class: matches (F,F) (S,S) (T,T) = 3/6 = 0.5.
     * Tie vs decision = 1/2: credits 1, 0, 0.5, 1, 1, 0.5 = 4/6.
     * Ties excluded: (F,F) (F,S) (S,S) remain, 2 agree = 2/3.
     * Cohen over {S, T, F}: judge marginals (1, 2, 3)/6, reference (2, 2, 2)/6; p_e = (2 + 4 + 6)/36 = 1/3;
     * kappa = (0.5 - 1/3) / (2/3) = 0.25.
     */
    @Test
    void pairwiseAccuracyVariantsAndKappa() {
        double[][] verdicts = {{FIRST, FIRST}, {FIRST, SECOND}, {TIE, FIRST}, {SECOND, SECOND}, {TIE, TIE}, {FIRST, TIE}};
        List<JudgedItem> items = new ArrayList<>();
        for (int i = 0; i < verdicts.length; i++) {
            items.add(JudgedItem.pairwise("p" + i, "g" + i, verdicts[i][0], verdicts[i][1], sameLength()));
        }
        ReportCard card = ReportCards.compute("j", "human", items, NO_BOOTSTRAP);
        assertEquals(ReportCard.Kind.PAIRWISE, card.kind());
        assertEquals(0.5, value(card, Statistic.ACCURACY), 1e-12);
        assertEquals(4.0 / 6, value(card, Statistic.ACCURACY_TIES_HALF), 1e-12);
        assertEquals(2.0 / 3, value(card, Statistic.ACCURACY_WITHOUT_TIES), 1e-12);
        assertEquals(3, card.estimate(Statistic.ACCURACY_WITHOUT_TIES).orElseThrow().n());
        assertEquals(0.25, value(card, Statistic.COHEN_KAPPA), 1e-12);
        assertEquals(List.of(SECOND, TIE, FIRST), card.confusion().labels());
        assertArrayEquals(new long[] {1, 0, 0}, card.confusion().counts()[0]);
        assertArrayEquals(new long[] {0, 1, 1}, card.confusion().counts()[1]);
        assertArrayEquals(new long[] {1, 1, 1}, card.confusion().counts()[2]);
        assertTrue(card.estimate(Statistic.SPEARMAN).isEmpty(), "rank correlations are for scored items");
        assertTrue(card.estimate(Statistic.SWAP_CONSISTENCY).isEmpty());
        assertTrue(card.notes().stream().anyMatch(n -> n.contains("swap-consistency")), card.notes().toString());
    }

    /**
     * Lengths (first, second), margin 30 characters:
     * <pre>
     *   a  judge F, ref F, (100, 50),  swap yes  -> eligible; judge longer, reference longer
     *   b  judge S, ref F, (100, 50),  swap no   -> eligible; judge shorter, reference longer
     *   c  judge F, ref S, (100, 90),  swap yes  -> 10 apart: not eligible for either
     *   d  judge T, ref S, (10, 200),  swap ?    -> judge tie: not eligible; reference picks the longer
     *   e  judge S, ref T, (10, 200),  swap yes  -> judge longer; reference tie: not eligible
     * </pre>
     * P(judge prefers longer) = 2/3 (a, e of a, b, e); P(reference prefers longer) = 3/3 (a, b, d);
     * swap consistency = 3 of the 4 known = 0.75.
     */
    @Test
    void lengthBiasAndSwapConsistency() {
        List<JudgedItem> items = List.of(
                JudgedItem.pairwise("a", null, FIRST, FIRST, new JudgedItem.Pair(100, 50, true)),
                JudgedItem.pairwise("b", null, SECOND, FIRST, new JudgedItem.Pair(100, 50, false)),
                JudgedItem.pairwise("c", null, FIRST, SECOND, new JudgedItem.Pair(100, 90, true)),
                JudgedItem.pairwise("d", null, TIE, SECOND, new JudgedItem.Pair(10, 200, null)),
                JudgedItem.pairwise("e", null, SECOND, TIE, new JudgedItem.Pair(10, 200, true)));
        ReportCard card = ReportCards.compute("j", "human", items, NO_BOOTSTRAP);
        assertEquals(2.0 / 3, value(card, Statistic.JUDGE_PREFERS_LONGER), 1e-12);
        assertEquals(3, card.estimate(Statistic.JUDGE_PREFERS_LONGER).orElseThrow().n());
        assertEquals(1.0, value(card, Statistic.REFERENCE_PREFERS_LONGER), 1e-12);
        assertEquals(0.75, value(card, Statistic.SWAP_CONSISTENCY), 1e-12);
        assertEquals(4, card.estimate(Statistic.SWAP_CONSISTENCY).orElseThrow().n());

        // With a 5-character margin, c (10 apart, judge picks the longer first answer) becomes eligible: 3/4.
        ReportCard loose = ReportCards.compute("j", "human", items,
                ReportOptions.builder().resamples(0).lengthMargin(5).build());
        assertEquals(0.75, value(loose, Statistic.JUDGE_PREFERS_LONGER), 1e-12);
    }

    /** The ordinal table of {@link AgreementTest#weightedKappaOnASmallOrdinalTable} as ten scored items. */
    @Test
    void scoredOrdinalItems() {
        long[][] t = {{2, 1, 0}, {0, 2, 1}, {1, 0, 3}};
        List<JudgedItem> items = new ArrayList<>();
        double[] x = new double[10];
        double[] y = new double[10];
        int at = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int c = 0; c < t[i][j]; c++) {
                    x[at] = i + 1;
                    y[at] = j + 1;
                    items.add(JudgedItem.scored("s" + at, null, i + 1, j + 1));
                    at++;
                }
            }
        }
        ReportCard card = ReportCards.compute("j", "ref", items, NO_BOOTSTRAP);
        assertEquals(ReportCard.Kind.SCORED, card.kind());
        assertEquals(0.7, value(card, Statistic.ACCURACY), 1e-12);
        assertEquals(0.36 / 0.66, value(card, Statistic.COHEN_KAPPA), 1e-12);
        assertEquals(0.25 / 0.45, value(card, Statistic.LINEAR_WEIGHTED_KAPPA), 1e-12);
        assertEquals(0.195 / 0.345, value(card, Statistic.QUADRATIC_WEIGHTED_KAPPA), 1e-12);
        assertEquals(RankCorrelation.spearman(x, y), value(card, Statistic.SPEARMAN), 1e-12);
        assertEquals(RankCorrelation.kendallTauB(x, y), value(card, Statistic.KENDALL_TAU_B), 1e-12);
        assertTrue(card.estimate(Statistic.ACCURACY_TIES_HALF).isEmpty(), "ties are a pairwise notion");
        // Histograms: judge rows total (3, 3, 4), reference columns total (3, 3, 4).
        assertEquals(List.of(3L, 3L, 4L), card.judgeHistogram().stream().map(ReportCard.HistogramBin::count).toList());
        assertEquals(1.0, card.referenceHistogram().get(0).lower(), 0);
    }

    /**
     * A pass/fail judge against a pass/fail reference, on the Wikipedia 2x2 table (rows judge 1/0, columns reference
     * 1/0): {{20, 5}, {10, 15}}. Precision = 20 / (20 + 5) = 0.8 on the 25 items the judge passed; recall = 20 / (20 +
     * 10) = 2/3 on the 30 items the reference passed; Cohen's kappa 0.4 as in {@link AgreementTest}.
     */
    @Test
    void precisionAndRecallOfBinaryScores() {
        long[][] t = {{20, 5}, {10, 15}};
        List<JudgedItem> items = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int c = 0; c < t[i][j]; c++) items.add(JudgedItem.scored("b" + items.size(), null, 1 - i, 1 - j));
            }
        }
        ReportCard card = ReportCards.compute("filter", "verifier", items,
                ReportOptions.builder().resamples(200).seed(5).build());
        assertEquals(0.8, value(card, Statistic.PRECISION), 1e-12);
        assertEquals(25, card.estimate(Statistic.PRECISION).orElseThrow().n());
        assertEquals(2.0 / 3, value(card, Statistic.RECALL), 1e-12);
        assertEquals(30, card.estimate(Statistic.RECALL).orElseThrow().n());
        assertEquals(0.4, value(card, Statistic.COHEN_KAPPA), 1e-12);
        Estimate p = card.estimate(Statistic.PRECISION).orElseThrow();
        assertTrue(p.low() <= 0.8 && 0.8 <= p.high() && p.low() < p.high(), p.toString());
        assertTrue(ReportCards.json(card).contains("\"precision\""), "the JSON key");

        // A judge that never passes anything has no precision (a note says why), but a recall of 0.
        List<JudgedItem> never = List.of(JudgedItem.scored("n1", null, 0, 1), JudgedItem.scored("n2", null, 0, 0));
        ReportCard none = ReportCards.compute("filter", "verifier", never, NO_BOOTSTRAP);
        assertTrue(none.estimate(Statistic.PRECISION).isEmpty());
        assertTrue(none.notes().stream().anyMatch(n -> n.startsWith("precision undefined")), none.notes().toString());
        assertEquals(0.0, value(none, Statistic.RECALL), 0);

        // Scores on a wider scale get no precision or recall.
        ReportCard ordinal = ReportCards.compute("j", "ref", List.of(JudgedItem.scored("o1", null, 1, 2),
                JudgedItem.scored("o2", null, 2, 1), JudgedItem.scored("o3", null, 0, 0)), NO_BOOTSTRAP);
        assertTrue(ordinal.estimate(Statistic.PRECISION).isEmpty() && ordinal.estimate(Statistic.RECALL).isEmpty());
    }

    /** Wikipedia's Fleiss example as a 14-member jury over 10 items: kappa = 0.2099307... */
    @Test
    void fleissKappaOfAJury() {
        long[][] counts = {
                {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
                {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
        List<JudgedItem> items = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            List<Double> votes = new ArrayList<>();
            for (int c = 0; c < 5; c++) for (int r = 0; r < counts[i][c]; r++) votes.add(c + 1.0);
            items.add(JudgedItem.scored("i" + i, null, 3, 3).withJury(votes));
        }
        // An 11th item missing a vote is left out of Fleiss' kappa, and said so.
        List<Double> partial = new ArrayList<>(java.util.Collections.nCopies(13, 2.0));
        partial.add(Double.NaN);
        items.add(JudgedItem.scored("partial", null, 3, 3).withJury(partial));
        ReportCard card = ReportCards.compute("jury", "ref", items, NO_BOOTSTRAP);
        assertEquals(0.20993070442195522, value(card, Statistic.FLEISS_KAPPA), 1e-12);
        assertEquals(10, card.estimate(Statistic.FLEISS_KAPPA).orElseThrow().n());
        assertTrue(card.notes().stream().anyMatch(n -> n.startsWith("1 items lack a vote")), card.notes().toString());
    }

    /** {@link CalibrationTest}'s five predictions as scored items with a binary reference: ECE 0.33, Brier 0.1805. */
    @Test
    void calibrationOfProbabilities() {
        double[] p = {0.9, 0.8, 0.3, 0.6, 0.95};
        double[] y = {1, 0, 0, 1, 1};
        List<JudgedItem> items = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            items.add(JudgedItem.scored("c" + i, null, p[i] >= 0.5 ? 1 : 0, y[i]).withProbability(p[i]));
        }
        ReportCard card = ReportCards.compute("j", "verifier", items, NO_BOOTSTRAP);
        assertEquals(0.33, value(card, Statistic.ECE), 1e-12);
        assertEquals(0.1805, value(card, Statistic.BRIER), 1e-12);
        assertEquals(10, card.reliability().size());
        assertEquals(2, card.reliability().get(9).count());
        assertEquals(0.8, value(card, Statistic.ACCURACY), 1e-12);
    }

    /** Pairwise calibration: the outcome is "first wins"; ties in the reference have no outcome and are left out. */
    @Test
    void pairwiseCalibrationSkipsReferenceTies() {
        List<JudgedItem> items = List.of(
                JudgedItem.pairwise("a", null, FIRST, FIRST, sameLength()).withProbability(0.9),
                JudgedItem.pairwise("b", null, SECOND, FIRST, sameLength()).withProbability(0.2),
                JudgedItem.pairwise("c", null, FIRST, TIE, sameLength()).withProbability(0.7));
        ReportCard card = ReportCards.compute("j", "human", items, NO_BOOTSTRAP);
        // a: conf 0.9 right -> bin 9 |1 - 0.9|; b: conf 0.8 wrong -> bin 8 |0 - 0.8|. ECE = (0.1 + 0.8) / 2.
        assertEquals(0.45, value(card, Statistic.ECE), 1e-12);
        assertEquals(2, card.estimate(Statistic.ECE).orElseThrow().n());
        // Brier: (0.9 - 1)^2 + (0.2 - 1)^2 = 0.01 + 0.64, over 2.
        assertEquals(0.325, value(card, Statistic.BRIER), 1e-12);
    }

    @Test
    void unjudgedItemsAreCountedAndLeftOut() {
        List<JudgedItem> items = new ArrayList<>();
        for (int i = 0; i < 8; i++) items.add(JudgedItem.scored("k" + i, null, i % 2, i % 2));
        items.add(JudgedItem.scored("fail1", null, Double.NaN, 1));
        items.add(JudgedItem.scored("fail2", null, Double.NaN, 0));
        ReportCard card = ReportCards.compute("j", "ref", items, NO_BOOTSTRAP);
        assertEquals(10, card.items());
        assertEquals(2, card.unjudged());
        assertEquals(0.2, card.unjudgedRate(), 1e-12);
        assertEquals(1.0, value(card, Statistic.ACCURACY), 1e-12);
        assertEquals(8, card.estimate(Statistic.ACCURACY).orElseThrow().n());
    }

    @Test
    void undefinedKappaIsANoteNotANumber() {
        List<JudgedItem> items = List.of(JudgedItem.scored("a", null, 1, 1), JudgedItem.scored("b", null, 1, 1));
        ReportCard card = ReportCards.compute("j", "ref", items, NO_BOOTSTRAP);
        assertEquals(1.0, value(card, Statistic.ACCURACY), 0);
        assertTrue(card.estimate(Statistic.COHEN_KAPPA).isEmpty());
        assertTrue(card.notes().stream().anyMatch(n -> n.startsWith("cohen_kappa undefined")), card.notes().toString());
    }

    @Test
    void continuousScoresGetCorrelationsButNoKappa() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<JudgedItem> items = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            double truth = rnd.nextDouble();
            items.add(JudgedItem.scored("r" + i, null, truth + 0.1 * rnd.nextDouble(), truth));
        }
        ReportCard card = ReportCards.compute("rm", "ref", items, ReportOptions.builder().resamples(50).build());
        assertTrue(card.estimate(Statistic.COHEN_KAPPA).isEmpty());
        assertNull(card.confusion());
        Estimate rho = card.estimate(Statistic.SPEARMAN).orElseThrow();
        assertTrue(rho.value() > 0.9, "rho " + rho.value());
        assertTrue(rho.hasInterval() && rho.low() <= rho.value() && rho.value() <= rho.high(), rho.toString());
        assertEquals(20, card.judgeHistogram().size());
        assertEquals(300, card.judgeHistogram().stream().mapToLong(ReportCard.HistogramBin::count).sum());
    }

    @Test
    void anEmptySetGivesAnEmptyCardWithReasons() {
        ReportCard card = ReportCards.compute("j", "r", List.of(), ReportOptions.defaults());
        assertEquals(0, card.items());
        assertTrue(card.estimates().isEmpty());
        assertFalse(card.notes().isEmpty());
        assertTrue(ReportCards.text(card).contains("items 0, unjudged 0"));
    }

    @Test
    void mixingScoredAndPairwiseItemsIsAnError() {
        List<JudgedItem> items = List.of(JudgedItem.scored("a", null, 1, 1),
                JudgedItem.pairwise("b", null, FIRST, FIRST, sameLength()));
        var e = assertThrows(IllegalArgumentException.class,
                () -> ReportCards.compute("j", "r", items, NO_BOOTSTRAP));
        assertTrue(e.getMessage().contains("1 of 2 items are pairwise"), e.getMessage());
    }

    // ---- bootstrap ---------------------------------------------------------------------------------------------

    /** 400 pairwise items over 200 prompts: a judge that agrees 75% of the time, prefers longer 2/3 of the time. */
    private static List<JudgedItem> noisyPairs(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<JudgedItem> items = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double ref = rnd.nextBoolean() ? FIRST : SECOND;
            double u = rnd.nextDouble();
            double judge = u < 0.75 ? ref : u < 0.9 ? 1 - ref : TIE;
            int a = 50 + rnd.nextInt(400);
            int b = 50 + rnd.nextInt(400);
            double p = judge == TIE ? 0.5 : Math.abs(judge - 0.2 * rnd.nextDouble());
            items.add(JudgedItem.pairwise("n" + i, "prompt" + i / 2, judge, ref,
                    new JudgedItem.Pair(a, b, rnd.nextDouble() < 0.8)).withProbability(p));
        }
        return items;
    }

    @Test
    void bootstrapIntervalsContainTheEstimateAndAreReproducible() {
        List<JudgedItem> items = noisyPairs(5);
        ReportOptions opts = ReportOptions.builder().resamples(300).seed(99).build();
        ReportCard card = ReportCards.compute("j", "human", items, opts);
        assertEquals(200, card.bootstrap().groups());
        for (Estimate e : card.estimates()) {
            assertTrue(e.hasInterval(), e.toString());
            assertTrue(e.low() <= e.value() && e.value() <= e.high(), e.toString());
            assertTrue(e.low() < e.high(), "a real interval has width: " + e);
        }
        double acc = value(card, Statistic.ACCURACY);
        assertTrue(acc > 0.65 && acc < 0.85, "accuracy " + acc);

        ReportCard again = ReportCards.compute("j", "human", items, opts);
        assertEquals(card.estimates(), again.estimates(), "same seed, same intervals");
        ReportCard sequential = ReportCards.compute("j", "human", items,
                ReportOptions.builder().resamples(300).seed(99).parallel(false).build());
        assertEquals(card.estimates(), sequential.estimates(), "thread count does not change the result");
        ReportCard otherSeed = ReportCards.compute("j", "human", items,
                ReportOptions.builder().resamples(300).seed(100).build());
        assertNotEquals(card.estimate(Statistic.ACCURACY).orElseThrow().low(),
                otherSeed.estimate(Statistic.ACCURACY).orElseThrow().low(), 0.0);
    }

    /**
     * The bootstrap resamples prompts, not items: when each prompt's two items are copies of each other the sample
     * holds half the information, and the interval must be wider than when every item is its own group.
     */
    @Test
    void bootstrapResamplesGroups() {
        List<JudgedItem> grouped = new ArrayList<>();
        List<JudgedItem> ungrouped = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(8);
        for (int g = 0; g < 150; g++) {
            double judge = rnd.nextDouble() < 0.7 ? 1 : 0;
            for (int copy = 0; copy < 2; copy++) {
                grouped.add(JudgedItem.scored(g + "/" + copy, "p" + g, judge, 1));
                ungrouped.add(JudgedItem.scored(g + "/" + copy, null, judge, 1));
            }
        }
        ReportOptions opts = ReportOptions.builder().resamples(400).build();
        Estimate a = ReportCards.compute("j", "r", grouped, opts).estimate(Statistic.ACCURACY).orElseThrow();
        Estimate b = ReportCards.compute("j", "r", ungrouped, opts).estimate(Statistic.ACCURACY).orElseThrow();
        assertEquals(a.value(), b.value(), 0);
        double ratio = (a.high() - a.low()) / (b.high() - b.low());
        // Duplicated items inflate the effective n twofold, so the honest interval is about sqrt(2) wider.
        assertTrue(ratio > 1.2 && ratio < 1.7, "width ratio " + ratio);
    }

    // ---- rendering ---------------------------------------------------------------------------------------------

    @Test
    void textJsonAndPlotJson() throws Exception {
        ReportCard card = ReportCards.compute("judge-x", "human", noisyPairs(6),
                ReportOptions.builder().resamples(100).build());
        String text = ReportCards.text(card);
        assertTrue(text.contains("Report card: judge 'judge-x' vs 'human' (pairwise)"), text);
        assertTrue(text.contains("Cohen's kappa"), text);
        assertTrue(text.contains("95% CI"), text);
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "%.3f",
                value(card, Statistic.ACCURACY))), text);

        JsonNode json = Json.MAPPER.readTree(ReportCards.json(card));
        assertEquals("pairwise", json.get("kind").asText());
        assertEquals(400, json.get("items").asLong());
        JsonNode acc = json.get("statistics").get("accuracy");
        assertEquals(value(card, Statistic.ACCURACY), acc.get("value").asDouble(), 0);
        assertTrue(acc.get("low").asDouble() <= acc.get("value").asDouble());
        assertEquals(3, json.get("confusion").get("counts").size());
        assertEquals(100, json.get("bootstrap").get("resamples").asInt());

        JsonNode plot = Json.MAPPER.readTree(ReportCards.plotJson(card));
        JsonNode forest = plot.get("estimates");
        assertEquals(card.estimates().size(), forest.get("names").size());
        assertEquals(forest.get("names").size(), forest.get("low").size());
        JsonNode rel = plot.get("reliability");
        assertEquals(10, rel.get("count").size());
        assertTrue(rel.get("accuracy").get(0).isNull(), "an empty bin plots as a gap, not as NaN text");
        long binned = 0;
        for (JsonNode c : rel.get("count")) binned += c.asLong();
        assertEquals(card.estimate(Statistic.ECE).orElseThrow().n(), binned);
        assertEquals(3, plot.get("confusion").get("counts").size());
        assertFalse(plot.get("histograms").get("judge").get("count").isEmpty());
    }
}
