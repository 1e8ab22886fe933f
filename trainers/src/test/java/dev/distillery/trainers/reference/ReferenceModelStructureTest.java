package dev.distillery.trainers.reference;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ParameterLayout;
import dev.distillery.trainers.model.TensorSlot;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties the forward must have whatever the weights: LoRA init, packing, padding, causality, consistency. */
class ReferenceModelStructureTest {

    private final ModelConfig config = TinyModels.gqa();
    private final ParameterLayout layout = ParameterLayout.of(config);
    private final Random rnd = new Random(7);
    private final double[] base = TinyModels.randomBase(layout, rnd);

    @Test
    void loraWithZeroBIsExactlyTheBaseModel() {
        LoraLayout ll = TinyModels.loraAllSeven(config);
        double[] lora = TinyModels.randomLora(ll, rnd, true);
        ReferenceModel plain = new ReferenceModel(config, base);
        ReferenceModel adapted = new ReferenceModel(config, base, ll, lora);
        Batch b = TinyModels.plainBatch(rnd, config.vocabSize());

        SequenceScores expected = plain.forward(b);
        SequenceScores actual = adapted.forward(b);
        assertArrayEquals(expected.logProb(), actual.logProb(), 0.0);
        assertArrayEquals(expected.count(), actual.count());
        for (int t = 0; t < b.seqLen(); t++) assertArrayEquals(plain.logits(b, 1, t), adapted.logits(b, 1, t), 0.0);

        // at PEFT init only B moves: dA is exactly zero, dB is not
        double[] dLora = new double[ll.size()];
        adapted.backward(ReferenceModel.sftUpstream(actual), null, dLora);
        for (LoraLayout.Adapter a : ll.adapters()) {
            assertEquals(0.0, FiniteDifferences.maxAbs(dLora, a.a()), 0.0, a.a().name());
            assertTrue(FiniteDifferences.maxAbs(dLora, a.b()) > 0, a.b().name());
        }
    }

    /** y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ equals the merged weight W + s·B·A (PEFT's merge), so the scale is applied once. */
    @Test
    void loraForwardEqualsMergedWeights() {
        LoraLayout ll = TinyModels.loraAllSeven(config);
        double[] lora = TinyModels.randomLora(ll, rnd, false);
        double s = ll.config().scale();
        double[] merged = base.clone();
        for (LoraLayout.Adapter a : ll.adapters()) {
            TensorSlot w = layout.layer(a.layer()).weight(a.projection());
            int out = w.rows(), in = w.cols(), rank = a.a().rows();
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double ba = 0;
                    for (int k = 0; k < rank; k++) {
                        ba += lora[(int) a.b().offset() + o * rank + k] * lora[(int) a.a().offset() + k * in + i];
                    }
                    merged[(int) w.offset() + o * in + i] += s * ba;
                }
            }
        }
        Batch b = TinyModels.plainBatch(rnd, config.vocabSize());
        double[] viaAdapter = new ReferenceModel(config, base, ll, lora).forward(b).logProb();
        double[] viaMerge = new ReferenceModel(config, merged).forward(b).logProb();
        assertArrayEquals(viaMerge, viaAdapter, 1e-12);
        assertTrue(Math.abs(viaAdapter[0] - new ReferenceModel(config, base).forward(b).logProb()[0]) > 1e-3,
                "the adapter must actually change the model for this test to mean anything");
    }

    /**
     * A row holding two packed sequences (positions restarting at 0) scores each sequence exactly as two separate
     * rows do, and produces the same gradient.
     */
    @Test
    void packedRowEqualsSeparateRows() {
        int[] a = {3, 7, 1};
        int[] c = {9, 2, 2, 5};
        int ig = Batch.IGNORE;
        Batch packed = new Batch(1, 7, new int[]{3, 7, 1, 9, 2, 2, 5}, new int[]{ig, 7, 1, ig, 2, 2, 5},
                new int[]{0, 1, 2, 0, 1, 2, 3});
        Batch separate = Batch.of(2, 4, new int[]{3, 7, 1, 0, 9, 2, 2, 5}, new int[]{ig, 7, 1, ig, ig, 2, 2, 5});
        assertEquals(a.length + c.length, packed.seqLen());
        ReferenceModel m = new ReferenceModel(config, base);

        // logits position by position: bitwise equal (same operands in the same order)
        for (int t = 0; t < 3; t++) assertArrayEquals(m.logits(separate, 0, t), m.logits(packed, 0, t), 0.0);
        for (int t = 0; t < 4; t++) assertArrayEquals(m.logits(separate, 1, t), m.logits(packed, 0, 3 + t), 0.0);

        SequenceScores sep = m.forward(separate);
        double[] dSep = new double[layout.size()];
        m.backward(ReferenceModel.sftUpstream(sep), dSep, null);
        SequenceScores pk = m.forward(packed);
        double[] dPacked = new double[layout.size()];
        m.backward(ReferenceModel.sftUpstream(pk), dPacked, null);

        assertEquals(sep.totalCount(), pk.totalCount());
        assertEquals(sep.logProb()[0] + sep.logProb()[1], pk.logProb()[0], 1e-12);
        double scale = FiniteDifferences.maxAbs(dSep, 0, dSep.length);
        for (int i = 0; i < dSep.length; i++) assertEquals(dSep[i], dPacked[i], 1e-12 * scale, "gradient entry " + i);
    }

    /**
     * Padding after the last target (ids and positions alike) changes neither scores nor gradients; positions of
     * scored tokens, in contrast, must matter (restarting a sequence is not the same as continuing it).
     */
    @Test
    void paddingIsInertButPositionsOfRealTokensMatter() {
        int ig = Batch.IGNORE;
        int[] labels = {ig, 4, 8, 1, 6, ig, ig};
        Batch padded = new Batch(1, 7, new int[]{2, 4, 8, 1, 6, 0, 0}, labels, new int[]{0, 1, 2, 3, 4, 5, 6});
        Batch otherPad = new Batch(1, 7, new int[]{2, 4, 8, 1, 6, 10, 3}, labels, new int[]{0, 1, 2, 3, 4, 0, 2});
        ReferenceModel m = new ReferenceModel(config, base);

        SequenceScores s1 = m.forward(padded);
        double[] g1 = new double[layout.size()];
        m.backward(ReferenceModel.sftUpstream(s1), g1, null);
        SequenceScores s2 = m.forward(otherPad);
        double[] g2 = new double[layout.size()];
        m.backward(ReferenceModel.sftUpstream(s2), g2, null);
        assertArrayEquals(s1.logProb(), s2.logProb(), 0.0);
        assertArrayEquals(g1, g2, 0.0);

        // the same tokens with the second half treated as a new sequence: later scores change
        Batch restarted = new Batch(1, 7, padded.inputIds(), labels, new int[]{0, 1, 2, 0, 1, 5, 6});
        assertArrayEquals(m.logits(padded, 0, 1), m.logits(restarted, 0, 1), 0.0);
        assertFalse(Arrays.equals(m.logits(padded, 0, 3), m.logits(restarted, 0, 3)));
        assertTrue(Math.abs(m.forward(restarted).logProb()[0] - s1.logProb()[0]) > 1e-6);
    }

    /** Changing a later token never changes earlier logits, and does change its own position's. */
    @Test
    void causality() {
        int[] ids = TinyModels.randomIds(rnd, 7, config.vocabSize());
        int[] changed = ids.clone();
        changed[4] = (ids[4] + 1) % config.vocabSize();
        int[] labels = ids.clone();
        ReferenceModel m = new ReferenceModel(config, base);
        Batch before = Batch.of(1, 7, ids, labels);
        Batch after = Batch.of(1, 7, changed, labels);
        for (int t = 0; t < 4; t++) assertArrayEquals(m.logits(before, 0, t), m.logits(after, 0, t), 0.0, "t=" + t);
        for (int t = 4; t < 7; t++) assertFalse(Arrays.equals(m.logits(before, 0, t), m.logits(after, 0, t)), "t=" + t);
    }

    /** forward's per-row sums are the log-softmax of {@link ReferenceModel#logits} read at the shifted labels. */
    @Test
    void scoresAgreeWithLogitsAndSftLoss() {
        Batch b = TinyModels.plainBatch(rnd, config.vocabSize());
        ReferenceModel m = new ReferenceModel(config, base);
        SequenceScores s = m.forward(b);
        assertArrayEquals(b.targetCounts(), s.count());
        for (int r = 0; r < b.rows(); r++) {
            double sum = 0;
            for (int t = 0; t + 1 < b.seqLen(); t++) {
                int label = b.labels()[r * b.seqLen() + t + 1];
                if (label == Batch.IGNORE) continue;
                double[] z = m.logits(b, r, t);
                double norm = 0;
                for (double v : z) norm += Math.exp(v);
                sum += z[label] - Math.log(norm);
            }
            assertEquals(sum, s.logProb()[r], 1e-12);
        }
        assertEquals(-s.totalLogProb() / s.totalCount(), m.sftLoss(b), 0.0);
        // tiny random model: the loss is near ln V, as for an untrained model
        assertEquals(Math.log(config.vocabSize()), m.sftLoss(b), 1.5);
    }

    /** backward adds into the buffers (gradient accumulation), and needs a forward. */
    @Test
    void backwardAccumulates() {
        assertThrows(IllegalStateException.class,
                () -> new ReferenceModel(config, base).backward(new double[2], new double[layout.size()], null));
        Batch b = TinyModels.plainBatch(rnd, config.vocabSize());
        ReferenceModel m = new ReferenceModel(config, base);
        double[] up = ReferenceModel.sftUpstream(m.forward(b));
        double[] once = new double[layout.size()];
        m.backward(up, once, null);
        double[] twice = new double[layout.size()];
        m.backward(up, twice, null);
        m.backward(up, twice, null);
        double scale = FiniteDifferences.maxAbs(once, 0, once.length);
        for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-13 * scale);
        assertThrows(IllegalArgumentException.class, () -> m.backward(new double[3], once, null));
    }
}
