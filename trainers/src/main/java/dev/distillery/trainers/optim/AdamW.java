package dev.distillery.trainers.optim;

import java.util.Objects;

/**
 * AdamW with PyTorch's exact semantics ({@code torch.optim.AdamW}, non-fused, non-amsgrad): decoupled weight decay
 * {@code p ← p·(1 − lr·wd)}, then {@code p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)}. State is two flat
 * buffers matching the parameters, plus the step count, which is all a checkpoint needs.
 *
 * <pre>{@code
 * AdamW opt = new AdamW(params.length, AdamW.Settings.defaults());
 * opt.step(params, grads, lr);
 * }</pre>
 */
public final class AdamW {

    /**
     * @param beta1       first-moment decay (0.9)
     * @param beta2       second-moment decay (0.999)
     * @param eps         added to the denominator (1e-8)
     * @param weightDecay decoupled weight decay (0: TRL, Tülu 3 and HF defaults)
     */
    public record Settings(double beta1, double beta2, double eps, double weightDecay) {
        public Settings {
            if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
                throw new IllegalArgumentException("AdamW betas must be in [0, 1): " + beta1 + ", " + beta2);
            }
            if (eps <= 0) throw new IllegalArgumentException("AdamW eps must be > 0, got " + eps);
            if (weightDecay < 0) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }

        public static Settings defaults() {
            return new Settings(0.9, 0.999, 1e-8, 0.0);
        }
    }

    private final Settings settings;
    private final float[] m;
    private final float[] v;
    private long step;

    public AdamW(int size, Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.m = new float[size];
        this.v = new float[size];
    }

    /** One update of {@code params} in place with learning rate {@code lr}. */
    public void step(float[] params, float[] grads, double lr) {
        if (params.length != m.length || grads.length != m.length) {
            throw new IllegalArgumentException("AdamW holds state for " + m.length + " parameters, got "
                    + params.length + " parameters and " + grads.length + " gradients");
        }
        step++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        float decay = (float) (1 - lr * settings.weightDecay());
        float stepSize = (float) (lr / (1 - StrictMath.pow(b1, step)));
        float bc2Sqrt = (float) Math.sqrt(1 - StrictMath.pow(b2, step));
        float fb1 = (float) b1;
        float fb2 = (float) b2;
        float eps = (float) settings.eps();
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float mi = fb1 * m[i] + (1 - fb1) * g;
            float vi = fb2 * v[i] + (1 - fb2) * g * g;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            params[i] = params[i] * decay - stepSize * mi / denom;
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Completed steps (PyTorch's {@code state['step']}). */
    public long stepCount() {
        return step;
    }

    /** First moments; exposed for checkpoints. */
    public float[] firstMoment() {
        return m;
    }

    /** Second moments; exposed for checkpoints. */
    public float[] secondMoment() {
        return v;
    }

    /** Restores the state saved in a checkpoint. */
    public void restore(long stepCount, float[] firstMoment, float[] secondMoment) {
        if (firstMoment.length != m.length || secondMoment.length != v.length) {
            throw new IllegalArgumentException("checkpoint optimizer state has " + firstMoment.length
                    + " entries, the model " + m.length + " trainable parameters");
        }
        System.arraycopy(firstMoment, 0, m, 0, m.length);
        System.arraycopy(secondMoment, 0, v, 0, v.length);
        this.step = stepCount;
    }
}
