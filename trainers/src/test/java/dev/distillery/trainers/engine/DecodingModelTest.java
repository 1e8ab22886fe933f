package dev.distillery.trainers.engine;

import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The KV-cached decoder against the training forward (the ground truth), and batch independence. */
class DecodingModelTest {

    /** GQA (4 query heads over 2 KV heads), attention biases, LoRA on every projection with B ≠ 0. */
    private static final ModelConfig CONFIG = ModelConfig.llama(53, 16, 24, 2, 4, 2).withAttentionBias(true);

    private record Fixture(ModelWeights weights, LoraLayout layout, float[] lora) {
    }

    private static Fixture fixture() {
        ModelWeights w = Initializers.randomModel(CONFIG, 5, 0.3);
        LoraLayout ll = LoraLayout.of(CONFIG, new LoraConfig(2, 4, 0.0, EnumSet.allOf(Projection.class), false));
        float[] lp = Initializers.lora(ll, 9);
        Random r = new Random(1);
        for (LoraLayout.Adapter a : ll.adapters()) {
            for (int i = (int) a.b().offset(); i < a.b().offset() + a.b().size(); i++) lp[i] = (float) (r.nextGaussian() * 0.3);
        }
        return new Fixture(w, ll, lp);
    }

    private static int[] randomIds(int n, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = r.nextInt(CONFIG.vocabSize());
        return ids;
    }

    private static float[] row(float[] all, int t) {
        int v = CONFIG.vocabSize();
        return Arrays.copyOfRange(all, t * v, (t + 1) * v);
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        double scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-5 * Math.max(1, scale), what + " [" + i + "]");
        }
    }

    @Test
    void prefillAndDecodeReproduceTheTrainingForwardAtEveryPosition() {
        Fixture f = fixture();
        // 150 tokens: the prompt spans three prefill chunks, then every further token is decoded one by one.
        int total = 150, prompt = 137;
        int[] ids = randomIds(total, 2);
        TrainingModel train = TrainingModel.lora(f.weights(), f.layout(), f.lora(), 1, total);
        train.setTraining(false);
        int[] labels = new int[total];
        Arrays.fill(labels, Batch.IGNORE);
        float[] truth = train.logits(Batch.of(1, total, ids, labels), 0);

        DecodingModel dec = DecodingModel.of(f.weights(), f.layout(), f.lora());
        DecodingModel.Sequence s = dec.newSequence(total);
        float[] next = dec.prefill(s, Arrays.copyOf(ids, prompt));
        assertClose(row(truth, prompt - 1), next, "after prefill");
        for (int t = prompt; t < total; t++) {
            next = dec.decode(List.of(s), new int[] {ids[t]})[0];
            assertClose(row(truth, t), next, "decode at position " + t);
        }
        assertEquals(total, s.length());
    }

    @Test
    void aRowDecodesToTheSameBitsAloneOrInABatch() {
        Fixture f = fixture();
        DecodingModel dec = DecodingModel.of(f.weights(), f.layout(), f.lora());
        int rows = 5, steps = 6;
        int[][] prompts = new int[rows][];
        for (int r = 0; r < rows; r++) prompts[r] = randomIds(3 + 7 * r, 10 + r);   // different lengths
        int[][] next = new int[steps][rows];
        for (int t = 0; t < steps; t++) next[t] = randomIds(rows, 100 + t);

        List<DecodingModel.Sequence> together = new java.util.ArrayList<>();
        for (int r = 0; r < rows; r++) {
            DecodingModel.Sequence s = dec.newSequence(64);
            dec.prefill(s, prompts[r]);
            together.add(s);
        }
        float[][][] batched = new float[steps][][];
        for (int t = 0; t < steps; t++) batched[t] = dec.decode(together, next[t]);

        for (int r = 0; r < rows; r++) {
            DecodingModel.Sequence alone = dec.newSequence(64);
            dec.prefill(alone, prompts[r]);
            for (int t = 0; t < steps; t++) {
                float[] single = dec.decode(List.of(alone), new int[] {next[t][r]})[0];
                assertArrayEquals(single, batched[t][r], "row " + r + " step " + t);
            }
        }
    }

    @Test
    void badUseIsRefusedWithAClearMessage() {
        Fixture f = fixture();
        DecodingModel dec = DecodingModel.of(f.weights(), null, null);
        DecodingModel.Sequence s = dec.newSequence(4);
        dec.prefill(s, new int[] {1, 2, 3});
        dec.decode(List.of(s), new int[] {4});
        var full = assertThrows(IllegalArgumentException.class, () -> dec.decode(List.of(s), new int[] {5}));
        assertEquals("sequence of 4 tokens cannot take 1 more: capacity 4", full.getMessage());
        DecodingModel.Sequence t = dec.newSequence(4);
        var twice = assertThrows(IllegalArgumentException.class, () -> {
            dec.prefill(t, new int[] {1});
            dec.decode(List.of(t, t), new int[] {1, 2});
        });
        assertEquals("a sequence appears twice in one step", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dec.newSequence(CONFIG.maxPositionEmbeddings() + 1));
        var vocab = assertThrows(IllegalArgumentException.class, () -> dec.prefill(dec.newSequence(4), new int[] {999}));
        assertEquals("token id 999 outside the vocabulary (size 53)", vocab.getMessage());
    }
}
