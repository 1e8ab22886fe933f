package dev.distillery.trainers.reference;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ParameterLayout;
import dev.distillery.trainers.model.TensorSlot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-model gradient checks: the analytic backward against float64 central differences of the forward, every tensor
 * sampled, tolerance 1e-4 with the trainer-math §9 metric.
 */
class ReferenceModelGradientTest {

    /** Full fine-tuning gradient of the SFT loss, checked on every base tensor. */
    private static double checkFullSft(String label, ModelConfig c, Batch b, long seed) {
        Random rnd = new Random(seed);
        ParameterLayout layout = ParameterLayout.of(c);
        double[] base = TinyModels.randomBase(layout, rnd);
        ReferenceModel m = new ReferenceModel(c, base);
        SequenceScores s = m.forward(b);
        double[] dBase = new double[layout.size()];
        m.backward(ReferenceModel.sftUpstream(s), dBase, null);
        return TinyModels.checkTensors(label, base, dBase, layout.tensors(), rnd, () -> m.sftLoss(b));
    }

    @Test
    void fullFineTuningLlamaEveryTensor() {
        ModelConfig c = TinyModels.llama();
        List<String> names = ParameterLayout.of(c).tensors().stream().map(TensorSlot::name).toList();
        // every tensor kind is present: embedding, both norms, 7 projections per layer, final norm, untied head
        assertEquals(1 + 2 * 9 + 2, names.size());
        assertTrue(names.contains("lm_head.weight"));
        double err = checkFullSft("llama full FT", c, TinyModels.plainBatch(new Random(1), c.vocabSize()), 11);
        assertTrue(err <= FiniteDifferences.TOLERANCE);
    }

    @Test
    void qwen2WithQkvBiases() {
        ModelConfig c = TinyModels.qwen2();
        ParameterLayout layout = ParameterLayout.of(c);
        assertTrue(layout.layer(1).bias(dev.distillery.trainers.model.Projection.K) != null);
        checkFullSft("qwen2 biases", c, TinyModels.plainBatch(new Random(2), c.vocabSize()), 12);
    }

    @Test
    void tiedEmbeddingsCollectBothContributions() {
        ModelConfig c = TinyModels.llama().withTiedEmbeddings(true);
        ParameterLayout layout = ParameterLayout.of(c);
        assertSame(layout.embed(), layout.lmHead());
        // every row of the tied matrix is touched by the head's softmax, and the input rows by the embedding too;
        // sample more entries so both kinds of rows are covered
        Random rnd = new Random(13);
        double[] base = TinyModels.randomBase(layout, rnd);
        ReferenceModel m = new ReferenceModel(c, base);
        Batch b = TinyModels.plainBatch(new Random(3), c.vocabSize());
        SequenceScores s = m.forward(b);
        double[] dBase = new double[layout.size()];
        m.backward(ReferenceModel.sftUpstream(s), dBase, null);
        TinyModels.checkTensors("tied embeddings", base, dBase, layout.tensors(), rnd, () -> m.sftLoss(b));
        int[] all = FiniteDifferences.sample(layout.embed(), Integer.MAX_VALUE, rnd);
        FiniteDifferences.Result r = FiniteDifferences.check(base, dBase, all, FiniteDifferences.maxAbs(dBase, layout.embed()),
                () -> m.sftLoss(b));
        assertTrue(r.maxError() <= FiniteDifferences.TOLERANCE, "tied embedding, all entries: " + r);
        System.out.printf("[grad-check] %-40s all %d entries, max error %.2e%n", "tied embedding matrix", all.length,
                r.maxError());
    }

    @Test
    void loraOnAllSevenProjectionsWithNonZeroB() {
        ModelConfig c = TinyModels.llama();
        Random rnd = new Random(14);
        ParameterLayout layout = ParameterLayout.of(c);
        double[] base = TinyModels.randomBase(layout, rnd);
        LoraLayout ll = TinyModels.loraAllSeven(c);
        assertEquals(2 * 7 * 2, ll.tensors().size());
        double[] lora = TinyModels.randomLora(ll, rnd, false);
        ReferenceModel m = new ReferenceModel(c, base, ll, lora);
        Batch b = TinyModels.plainBatch(new Random(4), c.vocabSize());
        SequenceScores s = m.forward(b);
        double[] dLora = new double[ll.size()];
        m.backward(ReferenceModel.sftUpstream(s), null, dLora);
        TinyModels.checkTensors("LoRA all-linear, B random", lora, dLora, ll.tensors(), rnd, () -> m.sftLoss(b));

        // the LoRA gradient does not depend on whether the base gradient is also requested
        m.forward(b);
        double[] dLora2 = new double[ll.size()];
        m.backward(ReferenceModel.sftUpstream(s), new double[layout.size()], dLora2);
        assertArrayEquals(dLora, dLora2, 0.0);
    }

    @Test
    void packedRowsAndPadding() {
        ModelConfig c = TinyModels.llama();
        Random rnd = new Random(5);
        int[] ids = TinyModels.randomIds(rnd, 14, c.vocabSize());
        int[] labels = ids.clone();
        // row 0: two packed sequences of 3 and 4 tokens; each sequence's first token is not a target
        int[] positions = {0, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6};
        labels[0] = Batch.IGNORE;
        labels[3] = Batch.IGNORE;
        // row 1: 5 real tokens then 2 padding tokens
        labels[7] = Batch.IGNORE;
        labels[12] = Batch.IGNORE;
        labels[13] = Batch.IGNORE;
        Batch b = new Batch(2, 7, ids, labels, positions);
        assertEquals(2 + 3 + 4, b.targetCount());
        checkFullSft("packed + padded", c, b, 15);
    }

    @Test
    void groupedQueryAttention() {
        ModelConfig c = TinyModels.gqa();
        assertEquals(2, c.numHeads() / c.numKvHeads());
        checkFullSft("GQA 4 q / 2 kv heads", c, TinyModels.plainBatch(new Random(6), c.vocabSize()), 16);
    }

    /** Any per-row objective works through dLogProb: here L = Σ w_r·logProb_r with random signed w (DPO-like). */
    @Test
    void arbitraryPerRowUpstreamGradient() {
        ModelConfig c = TinyModels.llama();
        Random rnd = new Random(17);
        ParameterLayout layout = ParameterLayout.of(c);
        double[] base = TinyModels.randomBase(layout, rnd);
        LoraLayout ll = TinyModels.loraAllSeven(c);
        double[] lora = TinyModels.randomLora(ll, rnd, false);
        ReferenceModel m = new ReferenceModel(c, base, ll, lora);
        int[] ids = TinyModels.randomIds(rnd, 18, c.vocabSize());
        Batch b = Batch.of(3, 6, ids, TinyModels.labelsMaskingPrompt(ids, 3, 6, 2));
        double[] weights = {0.7, -1.3, 0.4};
        java.util.function.DoubleSupplier loss = () -> {
            double[] lp = m.forward(b).logProb();
            double l = 0;
            for (int r = 0; r < lp.length; r++) l += weights[r] * lp[r];
            return l;
        };
        m.forward(b);
        double[] dBase = new double[layout.size()];
        double[] dLora = new double[ll.size()];
        m.backward(weights.clone(), dBase, dLora);
        TinyModels.checkTensors("per-row weights, base", base, dBase, layout.tensors(), rnd, loss);
        TinyModels.checkTensors("per-row weights, LoRA", lora, dLora, ll.tensors(), rnd, loss);
    }
}
