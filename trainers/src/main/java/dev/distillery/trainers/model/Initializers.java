package dev.distillery.trainers.model;

import java.util.SplittableRandom;

/**
 * Parameter initialisation: a Hugging Face-style random base model, and PEFT's LoRA initialisation (A from
 * kaiming_uniform(a = √5), i.e. U(−1/√in, 1/√in); B = 0, so the adapted model starts exactly at the base).
 *
 * <pre>{@code
 * ModelWeights w = Initializers.randomModel(config, 42, 0.02);
 * float[] lora = Initializers.lora(LoraLayout.of(config, loraConfig), 42);
 * }</pre>
 */
public final class Initializers {

    private Initializers() {
    }

    /** Normal(0, std) for embeddings and projections, zeros for biases, ones for norms (HF's Llama init). */
    public static ModelWeights randomModel(ModelConfig config, long seed, double std) {
        ModelWeights w = ModelWeights.zeros(config);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] d = w.data();
        for (TensorSlot s : w.layout().tensors()) {
            int from = (int) s.offset();
            int to = from + (int) s.size();
            if (s.name().endsWith("norm.weight")) {
                java.util.Arrays.fill(d, from, to, 1f);
            } else if (s.name().endsWith(".bias")) {
                java.util.Arrays.fill(d, from, to, 0f);
            } else {
                for (int i = from; i < to; i++) d[i] = (float) (gaussian(rng) * std);
            }
        }
        return w;
    }

    /** PEFT's default LoRA init: A ~ U(−1/√in, 1/√in), B = 0. */
    public static float[] lora(LoraLayout layout, long seed) {
        float[] p = new float[layout.size()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (LoraLayout.Adapter a : layout.adapters()) {
            int in = a.a().cols();
            double bound = 1.0 / Math.sqrt(in);
            int from = (int) a.a().offset();
            for (int i = from; i < from + (int) a.a().size(); i++) p[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return p;
    }

    /** Box-Muller, so the stream is the same on every JVM (SplittableRandom has no nextGaussian before Java 17+). */
    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * StrictMath.log(1 - u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}
