package dev.distillery.judges.semantic;

import dev.distillery.datasets.clean.DedupReport;
import dev.distillery.datasets.io.RecordSink;
import dev.distillery.datasets.io.RecordSource;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Message;
import dev.distillery.datasets.model.Payload;
import dev.distillery.datasets.model.PlainText;
import dev.distillery.judges.reward.Embedder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SemanticDedupTest {

    /** Greedy keep-first by brute force, written independently of the blocked kernel. */
    private static int[] bruteForce(float[][] v, double threshold) {
        int[] matched = new int[v.length];
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            double best = Double.NEGATIVE_INFINITY;
            int arg = -1;
            for (int k : kept) {
                double dot = 0, ni = 0, nk = 0;
                for (int j = 0; j < v[i].length; j++) {
                    dot += v[i][j] * v[k][j];
                    ni += v[i][j] * v[i][j];
                    nk += v[k][j] * v[k][j];
                }
                double cos = dot / Math.sqrt(ni * nk);
                if (cos > best) {
                    best = cos;
                    arg = k;
                }
            }
            if (arg >= 0 && best > threshold) {
                matched[i] = arg;
            } else {
                matched[i] = -1;
                kept.add(i);
            }
        }
        return matched;
    }

    /** Random base vectors plus noisy copies of earlier ones, in random order. */
    private static float[][] clustered(int n, int dim, long seed) {
        Random random = new Random(seed);
        float[][] v = new float[n][dim];
        for (int i = 0; i < n; i++) {
            if (i > 0 && random.nextInt(3) == 0) {
                float[] src = v[random.nextInt(i)];
                double noise = random.nextDouble() * 0.6; // spans both sides of the 0.9 threshold
                for (int j = 0; j < dim; j++) v[i][j] = (float) (src[j] + noise * random.nextGaussian() / Math.sqrt(dim) * 1.5);
            } else {
                for (int j = 0; j < dim; j++) v[i][j] = (float) random.nextGaussian();
            }
        }
        return v;
    }

    @Test
    void blockedSelectionEqualsBruteForceGreedyForEveryBatchSize() {
        float[][] v = clustered(700, 48, 1);
        int[] expected = bruteForce(v, 0.9);
        for (boolean plain : new boolean[] {false, true}) {
            KeptVectors.plainKernelOnly = plain;
            try {
                for (int batch : new int[] {1, 3, 64, 100, 256, 1000}) {
                    Selection s = SemanticDedup.builder().batchSize(batch).build().select(v);
                    assertArrayEquals(expected, s.matched(), "batch size " + batch + ", plain kernel " + plain);
                }
            } finally {
                KeptVectors.plainKernelOnly = false;
            }
        }
        // Surefire starts the JVM with the incubator module, so the loop above covered both kernels.
        assertTrue(KeptVectors.VECTOR_API, "Vector API kernel available in tests");
        int dropped = (int) java.util.Arrays.stream(expected).filter(m -> m >= 0).count();
        assertTrue(dropped > 50 && dropped < 350, "the data has duplicates on both sides of 0.9: " + dropped);
    }

    @Test
    void everyKeptPairIsAtMostTheThresholdAndEveryDropNamesAKeptItemAboveIt() {
        float[][] v = clustered(400, 32, 2);
        double threshold = 0.8;
        Selection s = SemanticDedup.builder().threshold(threshold).build().select(v);
        int[] kept = s.kept();
        assertEquals(kept.length, s.keptCount());
        assertEquals(400, s.keptCount() + s.droppedCount());
        for (int a = 0; a < kept.length; a++) {
            for (int b = a + 1; b < kept.length; b++) {
                assertTrue(cosine(v[kept[a]], v[kept[b]]) <= threshold + 1e-5, kept[a] + " vs " + kept[b]);
            }
        }
        for (int i = 0; i < v.length; i++) {
            if (s.isKept(i)) continue;
            int m = s.matched(i);
            assertTrue(m < i && s.isKept(m), "drop " + i + " matches earlier kept " + m);
            assertEquals(cosine(v[i], v[m]), s.similarity(i), 1e-5);
            assertTrue(s.similarity(i) > threshold);
        }
    }

    @Test
    void paraphrasesAreDroppedAndDistinctTextsKeptWithMiniLm() {
        List<DataRecord> records = List.of(
                chat("How do I reverse a list in Python?", "Use list.reverse() or slicing with [::-1]."),
                chat("What's the way to reverse a Python list?", "Use list.reverse() or slicing with [::-1]."),
                chat("What causes the seasons on Earth?", "The tilt of Earth's axis relative to its orbit."),
                chat("Why does Earth have seasons?", "Because the Earth's axis is tilted relative to its orbit."),
                chat("Give me a recipe for pancakes.", "Mix flour, eggs and milk, then fry in a hot pan."),
                chat("How many players are on a basketball team?", "Five players from each team are on the court."),
                new DataRecord("tokens-1", null, new Payload.Tokens(new int[] {1, 2}, new int[] {-100, 2}), null, null, null));
        List<DataRecord> kept = new ArrayList<>(), removed = new ArrayList<>();
        DedupReport report = SemanticDedup.builder().threshold(0.9).embedder(Embedder.miniLm()).build()
                .run(RecordSource.of(records), RecordSink.into(kept), RecordSink.into(removed));

        assertEquals(7, report.read());
        assertEquals(List.of(records.get(0).id(), records.get(2).id(), records.get(4).id(), records.get(5).id(), "tokens-1"),
                kept.stream().map(DataRecord::id).toList());
        assertEquals(List.of(records.get(1).id(), records.get(3).id()), removed.stream().map(DataRecord::id).toList());
        assertEquals(5, report.kept());
        assertEquals(2, report.removed());
        var first = report.examples().get(0);
        assertEquals(records.get(1).id(), first.removedId());
        assertEquals(records.get(0).id(), first.keptId());
        assertTrue(first.similarity() > 0.9);
        var score = removed.get(1).scores().get(SemanticDedup.SCORE_NAME);
        assertTrue(score.value() > 0.9 && score.rationale().contains(records.get(2).id()), score.toString());
    }

    @Test
    void textChoiceDecidesWhatCountsAsADuplicate() {
        var a = chat("Tell me a fun fact about octopuses.", "An octopus has three hearts.");
        var b = chat("Write a haiku about autumn leaves.", "An octopus has three hearts.");
        var pair = new DataRecord(null, null, new Payload.Preference(new PlainText("q"), new PlainText("chosen answer"),
                new PlainText("rejected answer")), null, null, null);
        assertEquals("An octopus has three hearts.", SemanticText.RESPONSE.of(a));
        assertEquals("Tell me a fun fact about octopuses.", SemanticText.PROMPT.of(a));
        assertEquals("chosen answer", SemanticText.RESPONSE.of(pair));

        List<DataRecord> keptByResponse = new ArrayList<>(), keptByPrompt = new ArrayList<>();
        SemanticDedup.builder().text(SemanticText.RESPONSE).build()
                .run(RecordSource.of(List.of(a, b)), RecordSink.into(keptByResponse), RecordSink.discard());
        SemanticDedup.builder().text(SemanticText.PROMPT).build()
                .run(RecordSource.of(List.of(a, b)), RecordSink.into(keptByPrompt), RecordSink.discard());
        assertEquals(1, keptByResponse.size());
        assertEquals(2, keptByPrompt.size());
    }

    private static DataRecord chat(String user, String assistant) {
        return DataRecord.of(new Payload.Chat(Conversation.of(Message.user(user), Message.assistant(assistant))));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int j = 0; j < a.length; j++) {
            dot += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
        }
        return dot / Math.sqrt(na * nb);
    }
}
