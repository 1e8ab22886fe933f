package dev.distillery.datasets.clean;

import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.DataRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.distillery.datasets.clean.Fixtures.ids;
import static dev.distillery.datasets.clean.Fixtures.randomWords;
import static dev.distillery.datasets.clean.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinHashDedupTest {

    private static final List<String> VOCAB = Fixtures.vocabulary(3000, 1);

    /**
     * 200 unrelated 30-word docs, and near-copies of the first 20 with the last word changed (Jaccard 25/27), and
     * when {@code fewWords} also the first word for odd i (24/28), interleaved after their originals.
     */
    private static List<DataRecord> corpus(Set<String> planted) {
        return corpus(planted, true);
    }

    private static List<DataRecord> corpus(Set<String> planted, boolean fewWords) {
        SplittableRandom r = new SplittableRandom(7);
        List<String[]> docs = new ArrayList<>();
        List<DataRecord> out = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String[] w = randomWords(VOCAB, 30, r);
            docs.add(w);
            out.add(text("doc" + i, String.join(" ", w)));
        }
        for (int i = 0; i < 20; i++) {
            String[] w = docs.get(i).clone();
            w[29] = "changed";
            if (fewWords && i % 2 == 1) {
                w[0] = "altered";
            }
            String id = "near" + i;
            planted.add(id);
            // Interleave the copies with the originals so order matters.
            out.add(50 + i * 5, text(id, String.join(" ", w).toUpperCase() + "!"));
        }
        return out;
    }

    @Test
    void defaultsFindOneWordEditsAndKeepUnrelatedDocuments() {
        // J = 25/27 = 0.93: P(candidate) = 0.9999+ per pair at the default 18 x 7 banding.
        findsPlanted(MinHashDedup.builder().build(), false, 0.92);
    }

    @Test
    void recallWeightedDefaultBandingFindsFewWordEdits() {
        // J = 24/28 = 0.857 for half the pairs: equal weights (14 x 9) find each with P = 0.98 only; the default
        // recall-weighted banding (18 x 7) with P = 0.9994. Verification keeps precision exact regardless.
        MinHashDedup dedup = MinHashDedup.builder().build();
        assertEquals(new LshParameters(18, 7), dedup.lsh());
        findsPlanted(dedup, true, 0.85);
    }

    private static void findsPlanted(MinHashDedup dedup, boolean fewWords, double minJaccard) {
        Set<String> planted = new HashSet<>();
        List<DataRecord> in = corpus(planted, fewWords);
        for (DataRecord d : in) {
            if (planted.contains(d.id())) {
                int orig = Integer.parseInt(d.id().substring(4));
                double j = MinHashDedup.jaccard(dedup.shingles(d.payload().text()),
                        dedup.shingles(in.stream().filter(x -> x.id().equals("doc" + orig)).findFirst()
                                .orElseThrow().payload().text()));
                assertTrue(j >= minJaccard && j < 1, "planted pair should be a near-duplicate, Jaccard " + j);
            }
        }
        List<DataRecord> kept = new ArrayList<>();
        List<DataRecord> removed = new ArrayList<>();
        DedupReport r = dedup.run(RecordSource.of(in), RecordSink.into(kept), RecordSink.into(removed));
        assertEquals(planted, new HashSet<>(ids(removed)));
        assertEquals(200, r.kept());
        assertEquals(220, r.read());
        assertTrue(kept.stream().noneMatch(d -> planted.contains(d.id())));
        for (DedupReport.Duplicate d : r.examples()) {
            assertEquals("doc" + d.removedId().substring(4), d.keptId());
            assertTrue(d.similarity() >= 0.7 && d.similarity() < 1, d.toString());
        }
    }

    @Test
    void pairJustBelowThresholdIsKeptByExactVerification() {
        SplittableRandom r = new SplittableRandom(3);
        String[] a = randomWords(VOCAB, 30, r);
        String[] b = a.clone();
        b[0] = "different";
        b[29] = "words";
        List<DataRecord> in = List.of(text("a", String.join(" ", a)), text("b", String.join(" ", b)));
        // 64 bands of 2 rows make a pair at Jaccard ~0.86 a candidate with probability ~1, so the
        // decision below is the exact verification's, not LSH's.
        MinHashDedup probe = MinHashDedup.builder().build();
        double j = MinHashDedup.jaccard(probe.shingles(in.get(0).payload().text()),
                probe.shingles(in.get(1).payload().text()));
        assertEquals(24.0 / 28, j, 1e-12);
        DedupReport above = MinHashDedup.builder().bands(64, 2).threshold(j + 1e-9).build()
                .run(RecordSource.of(in), RecordSink.discard(), RecordSink.discard());
        DedupReport at = MinHashDedup.builder().bands(64, 2).threshold(j).build()
                .run(RecordSource.of(in), RecordSink.discard(), RecordSink.discard());
        assertEquals(0, above.removed());
        assertEquals(1, at.removed());
        assertEquals(j, at.examples().get(0).similarity(), 1e-12);
    }

    @Test
    void shortDocumentsAreOneShingle() {
        List<DataRecord> in = List.of(text("a", "Hello, world!"), text("b", "hello   WORLD"), text("c", "hello there"),
                text("d", ""), text("e", "  "));
        List<DataRecord> removed = new ArrayList<>();
        DedupReport r = MinHashDedup.builder().build().run(RecordSource.of(in), RecordSink.discard(),
                RecordSink.into(removed));
        assertEquals(List.of("b"), ids(removed));
        assertEquals(4, r.kept()); // word-less documents are never compared, so both are kept
    }

    @Test
    void resultIsDeterministicAcrossRunsAndBatchSizes() {
        List<DataRecord> in = corpus(new HashSet<>());
        List<DataRecord> k1 = new ArrayList<>();
        List<DataRecord> k2 = new ArrayList<>();
        List<DataRecord> k3 = new ArrayList<>();
        DedupReport r1 = MinHashDedup.builder().seed(5).build().run(RecordSource.of(in), RecordSink.into(k1),
                RecordSink.discard());
        DedupReport r2 = MinHashDedup.builder().seed(5).build().run(RecordSource.of(in), RecordSink.into(k2),
                RecordSink.discard());
        DedupReport r3 = MinHashDedup.builder().seed(5).batchSize(7).build().run(RecordSource.of(in),
                RecordSink.into(k3), RecordSink.discard());
        assertEquals(r1, r2);
        assertEquals(r1, r3);
        assertEquals(ids(k1), ids(k2));
        assertEquals(ids(k1), ids(k3));
    }

    @Test
    void defaultBandingIsWithinBudgetAndCatchesHighSimilarity() {
        LshParameters p = MinHashDedup.builder().build().lsh();
        assertTrue(p.bands() * p.rows() <= 128, p.toString());
        assertTrue(p.candidateProbability(0.9) > 0.95, p.toString());
        assertTrue(p.candidateProbability(0.5) < 0.15, p.toString());
        assertEquals(new LshParameters(18, 7), p);
        assertEquals(new LshParameters(14, 9), LshParameters.optimal(0.7, 128, 0.5, 0.5), "equal weights");
        for (double t : new double[]{0.5, 0.7, 0.8, 0.9}) {
            for (int n : new int[]{16, 64, 128, 256}) {
                LshParameters q = LshParameters.optimal(t, n, 0.5, 0.5);
                assertTrue(q.bands() * q.rows() <= n, t + "/" + n + " -> " + q);
            }
        }
        // Known optimiser outputs quoted by peers (text-dedup 240 @ 0.7, distilabel 128 @ 0.9).
        assertEquals(new LshParameters(24, 10), LshParameters.optimal(0.7, 240, 0.5, 0.5));
        assertEquals(new LshParameters(5, 25), LshParameters.optimal(0.9, 128, 0.5, 0.5));
    }

    @Test
    void rejectsBandingOverBudget() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MinHashDedup.builder().numPermutations(64).bands(10, 10).build());
    }
}
