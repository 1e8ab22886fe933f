package dev.distillery.trainers.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OptimTest {

    /** Two AdamW steps computed by hand in double, following torch.optim.AdamW's update order. */
    @Test
    void adamWMatchesAHandComputation() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
        float[] p = {0.5f, -1.0f, 2.0f};
        float[][] grads = {{0.1f, -0.2f, 0.0f}, {-0.3f, 0.05f, 1.5f}};
        AdamW opt = new AdamW(3, new AdamW.Settings(b1, b2, eps, wd));
        double[] ep = {0.5, -1.0, 2.0}, m = new double[3], v = new double[3];
        for (int t = 1; t <= 2; t++) {
            float[] g = grads[t - 1];
            opt.step(p, g, lr);
            for (int i = 0; i < 3; i++) {
                ep[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                ep[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
            }
        }
        for (int i = 0; i < 3; i++) assertEquals(ep[i], p[i], 1e-6 * Math.max(1, Math.abs(ep[i])), "param " + i);
        assertEquals(2, opt.stepCount());
        // First step moves each parameter by about lr·sign(g) (plus decay): the signature of Adam.
        float[] q = {0f};
        new AdamW(1, AdamW.Settings.defaults()).step(q, new float[]{123f}, 0.001);
        assertEquals(-0.001, q[0], 1e-7);
    }

    @Test
    void clippingScalesToTheMaxNormAndReportsTheNormBefore() {
        float[] g = {3f, 4f};
        double norm = GradientClipping.clipGlobalNorm(g, 1.0);
        assertEquals(5.0, norm, 1e-12);
        double c = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new float[]{(float) (3 * c), (float) (4 * c)}, g, 1e-7f);
        float[] small = {0.3f, 0.4f};
        GradientClipping.clipGlobalNorm(small, 1.0);
        assertArrayEquals(new float[]{0.3f, 0.4f}, small);
    }

    @Test
    void schedulesFollowHuggingFace() {
        var lin = new LearningRateSchedule(LearningRateSchedule.Kind.LINEAR, 1.0, 10, 110);
        assertEquals(0.0, lin.at(0));
        assertEquals(0.5, lin.at(5), 1e-12);
        assertEquals(1.0, lin.at(10), 1e-12);
        assertEquals(0.5, lin.at(60), 1e-12);
        assertEquals(0.0, lin.at(110), 1e-12);
        var cos = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 2.0, 0, 100);
        assertEquals(2.0, cos.at(0), 1e-12);
        assertEquals(1.0, cos.at(50), 1e-12);
        assertEquals(0.0, cos.at(100), 1e-12);
        var con = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 3.0, 4, 100);
        assertEquals(1.5, con.at(2), 1e-12);
        assertEquals(3.0, con.at(99), 1e-12);
        assertEquals(3, LearningRateSchedule.warmupFromRatio(0.03, 100));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.Kind.parse("cosin"));
    }
}
