package dev.distillery.bench;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.engine.TrainingModel;
import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.optim.AdamW;
import dev.distillery.trainers.optim.GradientClipping;
import dev.distillery.trainers.preference.PreferenceLoss;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

/**
 * Tokens per second of one DPO step with LoRA (4 pairs = 8 rows × 128 tokens: reference forward with the adapter off,
 * policy forward + backward, clipping, AdamW), against PyTorch doing the same in the same run
 * ({@code bench/pytorch/sft_step.py ... tiny:dpo,44M:dpo}). Also the Java step with the reference cached (how
 * Distillery trains: reference log-probs are computed once per dataset).
 */
public final class DpoStepBench {

    public static void main(String[] args) throws Exception {
        var configs = List.of(new Object[]{"tiny", ModelConfig.llama(300, 64, 172, 2, 4, 2), 300},
                new Object[]{"44M", ModelConfig.llama(32000, 512, 1376, 4, 8, 4), 8});
        System.out.printf("DPO step bench (LoRA r 8 on q,k,v,o; 4 pairs x 128 tokens), %s%n", Runtime.version());
        List<Double> torch = SftStepBench.pytorch("tiny:dpo,44M:dpo");
        System.out.printf("%n%-8s %16s %18s %14s %10s%n", "config", "Java tok/s", "Java, ref cached", "PyTorch tok/s",
                "Java/PT");
        for (int i = 0; i < configs.size(); i++) {
            String name = (String) configs.get(i)[0];
            ModelConfig c = (ModelConfig) configs.get(i)[1];
            int steps = (Integer) configs.get(i)[2];
            double withRef = tokensPerSecond(c, steps, true);
            double cached = tokensPerSecond(c, steps, false);
            Double t = i < torch.size() ? torch.get(i) : null;
            System.out.printf("%-8s %,16.0f %,18.0f %14s %10s%n", name, withRef, cached,
                    t == null ? "n/a" : String.format("%,.0f", t), t == null ? "n/a" : String.format("%.2fx", withRef / t));
        }
    }

    static double tokensPerSecond(ModelConfig c, int steps, boolean referenceEachStep) {
        var w = Initializers.randomModel(c, 1, 0.02);
        LoraLayout ll = LoraLayout.of(c, new LoraConfig(8, 16, 0.0,
                EnumSet.of(Projection.Q, Projection.K, Projection.V, Projection.O), false));
        float[] lora = Initializers.lora(ll, 2);
        TrainingModel m = TrainingModel.lora(w, ll, lora, 8, 128);
        AdamW adam = new AdamW(lora.length, AdamW.Settings.defaults());
        PreferenceLoss loss = new PreferenceLoss(PreferenceLoss.Type.SIGMOID, 0.1, 0, 0, 0);
        Random r = new Random(0);
        int[] ids = new int[8 * 128];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(c.vocabSize());
        Batch b = Batch.of(8, 128, ids, ids.clone());
        double[] ref = new double[8];
        int warmup = Math.max(2, steps / 4);
        double[] times = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            if (referenceEachStep || i == 0) {
                m.setLoraEnabled(false);
                ref = m.forward(b).logProb().clone();
                m.setLoraEnabled(true);
            }
            m.zeroGrad();
            SequenceScores s = m.forward(b);
            double[] d = new double[8];
            for (int p = 0; p < 4; p++) {
                var g = loss.pair(s.logProb()[p], s.logProb()[p + 4], ref[p], ref[p + 4], s.count()[p], s.count()[p + 4]);
                d[p] = g.dPiChosen() / 4;
                d[p + 4] = g.dPiRejected() / 4;
            }
            m.backward(d);
            GradientClipping.clipGlobalNorm(m.gradients(), 1.0);
            adam.step(m.parameters(), m.gradients(), 1e-4);
            if (i >= warmup) times[i - warmup] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        return 8 * 128 / times[steps / 2];
    }
}
