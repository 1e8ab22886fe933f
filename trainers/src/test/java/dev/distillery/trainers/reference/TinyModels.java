package dev.distillery.trainers.reference;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ParameterLayout;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.model.TensorSlot;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny random models, batches and a per-tensor gradient check shared by the reference tests. */
final class TinyModels {

    /** Entries sampled per tensor by the whole-model checks. */
    static final int PER_TENSOR = 20;

    private TinyModels() {
    }

    /** Llama, vocab 13, hidden 8, SwiGLU 12, 2 layers, 2 heads of 4 (no GQA), untied. */
    static ModelConfig llama() {
        return ModelConfig.llama(13, 8, 12, 2, 2, 2);
    }

    /** Qwen2-style: as {@link #llama()} plus q/k/v biases. */
    static ModelConfig qwen2() {
        ModelConfig c = llama();
        return new ModelConfig("qwen2", c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numLayers(),
                c.numHeads(), c.numKvHeads(), c.headDim(), 1e-6, 1000000.0, 2048, false, true, -1, List.of());
    }

    /** Grouped-query attention: hidden 16, 4 query heads sharing 2 KV heads (head dim 4), vocab 11. */
    static ModelConfig gqa() {
        return ModelConfig.llama(11, 16, 12, 2, 4, 2);
    }

    /**
     * Random weights at a scale where nothing saturates: projections and embeddings U(−0.5, 0.5), norm weights
     * 1 ± 0.3, biases U(−0.3, 0.3).
     */
    static double[] randomBase(ParameterLayout layout, Random rnd) {
        double[] w = new double[layout.size()];
        for (TensorSlot s : layout.tensors()) {
            for (int i = 0; i < s.size(); i++) {
                int k = (int) s.offset() + i;
                if (s.name().endsWith("norm.weight")) w[k] = 1 + 0.6 * (rnd.nextDouble() - 0.5);
                else if (s.name().endsWith(".bias")) w[k] = 0.6 * (rnd.nextDouble() - 0.5);
                else w[k] = rnd.nextDouble() - 0.5;
            }
        }
        return w;
    }

    static LoraLayout loraAllSeven(ModelConfig c) {
        // rank 3, alpha 6: scale 2, so a wrong scale factor shows in the gradients
        return LoraLayout.of(c, new LoraConfig(3, 6, 0.0, EnumSet.allOf(Projection.class), false));
    }

    /** A ~ U(−0.5, 0.5); B ~ U(−0.2, 0.2), or exactly zero (PEFT's init) when {@code zeroB}. */
    static double[] randomLora(LoraLayout lora, Random rnd, boolean zeroB) {
        double[] w = new double[lora.size()];
        for (LoraLayout.Adapter a : lora.adapters()) {
            for (int i = 0; i < a.a().size(); i++) w[(int) a.a().offset() + i] = rnd.nextDouble() - 0.5;
            if (!zeroB) for (int i = 0; i < a.b().size(); i++) w[(int) a.b().offset() + i] = 0.4 * (rnd.nextDouble() - 0.5);
        }
        return w;
    }

    static int[] randomIds(Random rnd, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(vocab);
        return ids;
    }

    /** Labels = input ids with the first {@code prompt} tokens of each row masked (prompt masking). */
    static int[] labelsMaskingPrompt(int[] ids, int rows, int seqLen, int prompt) {
        int[] labels = ids.clone();
        for (int r = 0; r < rows; r++) for (int t = 0; t < prompt; t++) labels[r * seqLen + t] = Batch.IGNORE;
        return labels;
    }

    /** Two rows of 6 tokens, the first two of each masked. */
    static Batch plainBatch(Random rnd, int vocab) {
        int[] ids = randomIds(rnd, 12, vocab);
        return Batch.of(2, 6, ids, labelsMaskingPrompt(ids, 2, 6, 2));
    }

    /**
     * Checks {@code analytic} against central differences on up to {@link #PER_TENSOR} entries of every slot, with
     * the error floor taken from that tensor's largest gradient; asserts each tensor's gradient is non-trivial and
     * within tolerance, and returns the largest error seen.
     */
    static double checkTensors(String label, double[] params, double[] analytic, List<TensorSlot> slots, Random rnd,
                               DoubleSupplier loss) {
        double worst = 0;
        for (TensorSlot s : slots) {
            double maxG = FiniteDifferences.maxAbs(analytic, s);
            assertTrue(maxG > 1e-6, label + ": gradient of " + s.name() + " is trivially small (" + maxG + ")");
            FiniteDifferences.Result r = FiniteDifferences.check(params, analytic, FiniteDifferences.sample(s, PER_TENSOR, rnd),
                    maxG, loss);
            assertTrue(r.maxError() <= FiniteDifferences.TOLERANCE, label + ": " + s.name() + " " + r);
            worst = Math.max(worst, r.maxError());
        }
        System.out.printf("[grad-check] %-40s %2d tensors, max error %.2e%n", label, slots.size(), worst);
        return worst;
    }
}
