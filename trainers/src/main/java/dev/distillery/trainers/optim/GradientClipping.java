package dev.distillery.trainers.optim;

/**
 * Global-norm gradient clipping as Hugging Face's Trainer does it ({@code clip_grad_norm_}): the norm over all
 * trainable gradients together; when it exceeds {@code maxNorm}, every gradient is scaled by
 * {@code maxNorm / (norm + 1e-6)}.
 *
 * <pre>{@code double norm = GradientClipping.clipGlobalNorm(grads, 1.0);   // logged as grad_norm }</pre>
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The L2 norm of {@code grads}, summed in double. */
    public static double globalNorm(float[] grads) {
        double ss = 0;
        for (float g : grads) ss += (double) g * g;
        return Math.sqrt(ss);
    }

    /**
     * Clips in place and returns the norm before clipping (what trainers log as {@code grad_norm}). A non-positive
     * {@code maxNorm} disables clipping.
     */
    public static double clipGlobalNorm(float[] grads, double maxNorm) {
        double norm = globalNorm(grads);
        if (maxNorm > 0) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                float f = (float) coef;
                for (int i = 0; i < grads.length; i++) grads[i] *= f;
            }
        }
        return norm;
    }
}
