package dev.distillery.trainers.engine;

import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.model.TensorSlot;
import dev.distillery.trainers.reference.ReferenceModel;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 engine against the float64 reference on the same weights: losses within 1e-5 relative, every gradient
 * tensor within 1e-4 × max|g_ref| (trainer-math §9.3).
 */
class EngineParityTest {

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Two rows, one packed with two sequences, padding and masked prompt tokens. */
    private static Batch batch(ModelConfig c, long seed) {
        Random r = new Random(seed);
        int rows = 2, T = 9;
        int[] ids = new int[rows * T], labels = new int[rows * T], pos = new int[rows * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(c.vocabSize());
            labels[i] = i % 4 == 1 ? -100 : ids[i];
        }
        for (int t = 0; t < T; t++) {
            pos[t] = t < 5 ? t : t - 5;                 // row 0: sequences of 5 and 4 tokens
            pos[T + t] = t;
        }
        labels[5] = -100;                             // first token of the second packed sequence
        labels[T + 7] = labels[T + 8] = -100;         // padding at the end of row 1
        return new Batch(rows, T, ids, labels, pos);
    }

    private static void assertParity(ModelConfig c, boolean full, boolean lora) {
        ModelWeights w = Initializers.randomModel(c, 11, 0.2);
        // Norm weights away from 1 and biases away from 0, so their gradients are exercised for real.
        Random r = new Random(3);
        for (TensorSlot s : w.layout().tensors()) {
            if (s.name().endsWith("norm.weight") || s.name().endsWith(".bias")) {
                for (int i = (int) s.offset(); i < s.offset() + s.size(); i++) w.data()[i] += (float) (r.nextGaussian() * 0.3);
            }
        }
        LoraLayout ll = lora ? LoraLayout.of(c, new LoraConfig(3, 6, 0.0, EnumSet.allOf(Projection.class), false)) : null;
        float[] lp = null;
        if (lora) {
            lp = Initializers.lora(ll, 5);
            for (LoraLayout.Adapter a : ll.adapters()) {   // B ≠ 0 so that dA is not trivially zero
                for (int i = (int) a.b().offset(); i < a.b().offset() + a.b().size(); i++) lp[i] = (float) (r.nextGaussian() * 0.2);
            }
        }
        TrainingModel engine = full ? TrainingModel.full(w, 2, 9) : TrainingModel.lora(w, ll, lp, 2, 9);
        ReferenceModel ref = lora ? new ReferenceModel(c, toDouble(w.data()), ll, toDouble(lp))
                : new ReferenceModel(c, toDouble(w.data()));
        Batch b = batch(c, 2);

        SequenceScores fs = engine.forward(b);
        SequenceScores rs = ref.forward(b);
        assertArrayEquals(rs.count(), fs.count());
        for (int i = 0; i < rs.rows(); i++) {
            assertEquals(rs.logProb()[i], fs.logProb()[i], 1e-5 * Math.abs(rs.logProb()[i]), "row " + i + " log-prob");
        }
        double[] up = {-0.7, 0.3}; // a non-SFT upstream gradient: the interface is general
        engine.zeroGrad();
        engine.backward(up);
        double[] dBase = full ? new double[w.layout().size()] : null;
        double[] dLora = lora ? new double[ll.size()] : null;
        ref.backward(up, dBase, dLora);
        float[] g = engine.gradients();
        List<TensorSlot> slots = full ? w.layout().tensors() : ll.tensors();
        double[] expected = full ? dBase : dLora;
        for (TensorSlot s : slots) {
            double max = 0, err = 0;
            for (int i = (int) s.offset(); i < s.offset() + s.size(); i++) {
                max = Math.max(max, Math.abs(expected[i]));
                err = Math.max(err, Math.abs(expected[i] - g[i]));
            }
            assertTrue(max > 0, s.name() + " has no gradient at all");
            assertTrue(err <= 1e-4 * max, s.name() + ": max |g32 - g64| = " + err + " vs max |g64| = " + max);
        }
    }

    @Test
    void fullFineTuningMatchesTheReference() {
        assertParity(ModelConfig.llama(29, 16, 20, 2, 4, 2), true, false);
    }

    @Test
    void loraMatchesTheReference() {
        assertParity(ModelConfig.llama(29, 16, 20, 2, 4, 2), false, true);
    }

    @Test
    void qwen2BiasesAndTiedEmbeddingsMatchTheReference() {
        ModelConfig qwen = ModelConfig.llama(31, 16, 12, 2, 4, 1).withAttentionBias(true).withTiedEmbeddings(true);
        assertParity(qwen, true, false);
        assertParity(qwen, false, true);
    }

    @Test
    void loraAtInitIsExactlyTheBaseModel() {
        ModelConfig c = ModelConfig.llama(29, 16, 20, 2, 4, 2);
        ModelWeights w = Initializers.randomModel(c, 1, 0.2);
        LoraLayout ll = LoraLayout.of(c, new LoraConfig(4, 8, 0.0, EnumSet.allOf(Projection.class), false));
        TrainingModel m = TrainingModel.lora(w, ll, Initializers.lora(ll, 2), 2, 9);
        Batch b = batch(c, 4);
        double[] with = m.forward(b).logProb().clone();
        m.setLoraEnabled(false);
        double[] without = m.forward(b).logProb();
        assertArrayEquals(without, with, 0.0);
    }

    /** The DPO reference with LoRA: the adapter switched off gives exactly the base model, whatever B holds. */
    @Test
    void adapterDisabledIsExactlyTheBaseModelEvenAfterTraining() {
        ModelConfig c = ModelConfig.llama(29, 16, 20, 2, 4, 2);
        ModelWeights w = Initializers.randomModel(c, 1, 0.2);
        LoraLayout ll = LoraLayout.of(c, new LoraConfig(4, 8, 0.0, EnumSet.allOf(Projection.class), false));
        float[] lp = Initializers.lora(ll, 2);
        Random r = new Random(9);
        for (int i = 0; i < lp.length; i++) lp[i] += (float) (r.nextGaussian() * 0.1);
        TrainingModel m = TrainingModel.lora(w, ll, lp, 2, 9);
        Batch b = batch(c, 4);
        double[] adapted = m.forward(b).logProb().clone();
        m.setLoraEnabled(false);
        double[] off = m.forward(b).logProb().clone();
        double[] base = TrainingModel.full(w, 2, 9).forward(b).logProb();
        assertArrayEquals(base, off, 0.0);
        assertTrue(Math.abs(adapted[0] - base[0]) > 1e-4, "the adapter does change the model");
    }
}
