package dev.distillery.trainers.reference;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each operator's backward against central differences of its forward, in isolation. The scalar probed is
 * {@code L = Σ c ⊙ y} with a fixed random {@code c}, so the upstream gradient is {@code c}. All inputs live in one flat
 * parameter vector that the loss unpacks, so one finite-difference loop covers every input of an op.
 */
class OpsGradientTest {

    private final Random rnd = new Random(42);

    private double[] random(int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * (2 * rnd.nextDouble() - 1);
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int t = 0; t < a.length; t++) s += dot(a[t], b[t]);
        return s;
    }

    /** Rows {@code [off, off + rows·cols)} of {@code flat} as a fresh {@code [rows][cols]}. */
    private static double[][] view(double[] flat, int off, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) System.arraycopy(flat, off + r * cols, m[r], 0, cols);
        return m;
    }

    private static void put(double[][] m, double[] flat, int off) {
        for (int r = 0; r < m.length; r++) System.arraycopy(m[r], 0, flat, off + r * m[r].length, m[r].length);
    }

    /** Checks every entry of {@code analytic}; returns the max error after asserting it is within tolerance. */
    private static double checkAll(String op, double[] params, double[] analytic, java.util.function.DoubleSupplier loss) {
        int[] all = new int[params.length];
        for (int i = 0; i < all.length; i++) all[i] = i;
        double maxG = FiniteDifferences.maxAbs(analytic, 0, analytic.length);
        assertTrue(maxG > 1e-6, op + ": trivial gradient");
        FiniteDifferences.Result r = FiniteDifferences.check(params, analytic, all, maxG, loss);
        assertTrue(r.maxError() <= FiniteDifferences.TOLERANCE, op + ": " + r);
        System.out.printf("[op-check] %-14s %3d inputs, max error %.2e%n", op, all.length, r.maxError());
        return r.maxError();
    }

    @Test
    void linear() {
        int out = 5, in = 4;
        double[] p = random(in + out * in, 1); // x, W
        double[] c = random(out, 1);
        java.util.function.DoubleSupplier loss = () -> {
            double[] y = new double[out];
            Ops.linear(java.util.Arrays.copyOf(p, in), p, in, out, in, y);
            return dot(c, y);
        };
        double[] g = new double[p.length];
        double[] dx = new double[in];
        Ops.linearBackward(c, java.util.Arrays.copyOf(p, in), p, in, out, in, dx, g, in);
        System.arraycopy(dx, 0, g, 0, in);
        checkAll("linear", p, g, loss);
    }

    @Test
    void rmsNorm() {
        int n = 8;
        double[] p = random(2 * n, 1.5); // x, w
        double[] c = random(n, 1);
        java.util.function.DoubleSupplier loss = () -> {
            double[] y = new double[n];
            Ops.rmsNorm(java.util.Arrays.copyOf(p, n), p, n, 1e-5, new double[n], y);
            return dot(c, y);
        };
        double[] x = java.util.Arrays.copyOf(p, n);
        double[] norm = new double[n];
        double r = Ops.rmsNorm(x, p, n, 1e-5, norm, new double[n]);
        double[] g = new double[p.length];
        double[] dx = new double[n];
        Ops.rmsNormBackward(c, norm, r, p, n, dx, g, n);
        System.arraycopy(dx, 0, g, 0, n);
        checkAll("rmsnorm", p, g, loss);
    }

    @Test
    void rope() {
        int hd = 8, heads = 2;
        double theta = 10000;
        int pos = 5;
        double[] p = random(hd * heads, 1);
        double[] c = random(hd * heads, 1);
        java.util.function.DoubleSupplier loss = () -> {
            double[] y = p.clone();
            for (int h = 0; h < heads; h++) Ops.rope(y, h * hd, hd, pos, theta, false);
            return dot(c, y);
        };
        double[] g = c.clone();
        for (int h = 0; h < heads; h++) Ops.rope(g, h * hd, hd, pos, theta, true);
        checkAll("rope", p, g, loss);
    }

    /** Rotate-half RoPE makes q·k depend on the position difference only, and position 0 is the identity. */
    @Test
    void ropeIsRelativeAndPairsHalves() {
        int hd = 8;
        double[] q = random(hd, 1), k = random(hd, 1);
        double[] q0 = q.clone();
        Ops.rope(q0, 0, hd, 0, 10000, false);
        assertEquals(0, java.util.Arrays.compare(q, q0), "position 0 rotates nothing");
        double ref = 0;
        for (int shift = 0; shift < 4; shift++) {
            double[] qs = q.clone(), ks = k.clone();
            Ops.rope(qs, 0, hd, 6 + shift, 10000, false);
            Ops.rope(ks, 0, hd, 2 + shift, 10000, false);
            if (shift == 0) ref = dot(qs, ks);
            else assertEquals(ref, dot(qs, ks), 1e-12);
        }
        // pair (0, hd/2) rotates by exactly pos·θ⁰ = pos radians: unit vector e_0 goes to (cos p, sin p) in (0, hd/2)
        double[] e = new double[hd];
        e[0] = 1;
        Ops.rope(e, 0, hd, 3, 10000, false);
        assertEquals(Math.cos(3), e[0], 1e-15);
        assertEquals(Math.sin(3), e[hd / 2], 1e-15);
        assertEquals(0, e[1], 0);
        // pair (1, 1 + hd/2) rotates by pos·θ^(−2/hd)
        double[] e1 = new double[hd];
        e1[1] = 1;
        Ops.rope(e1, 0, hd, 3, 10000, false);
        double a = 3 * Math.pow(10000, -2.0 / hd);
        assertEquals(Math.cos(a), e1[1], 1e-15);
        assertEquals(Math.sin(a), e1[1 + hd / 2], 1e-15);
    }

    @Test
    void groupedQueryAttentionWithPackedMask() {
        int seqLen = 6, nh = 4, nkv = 2, hd = 4;
        int qDim = nh * hd, kvDim = nkv * hd;
        int[] pos = {0, 1, 2, 0, 1, 2}; // two packed sequences
        int kOff = seqLen * qDim, vOff = kOff + seqLen * kvDim;
        double[] p = random(vOff + seqLen * kvDim, 1);
        double[][] c = view(random(seqLen * qDim, 1), 0, seqLen, qDim);
        java.util.function.DoubleSupplier loss = () -> {
            double[][] out = new double[seqLen][qDim];
            Ops.attention(view(p, 0, seqLen, qDim), view(p, kOff, seqLen, kvDim), view(p, vOff, seqLen, kvDim), pos,
                    nh, nkv, hd, out, new double[nh][seqLen][seqLen]);
            return dot(c, out);
        };
        double[][] q = view(p, 0, seqLen, qDim), k = view(p, kOff, seqLen, kvDim), v = view(p, vOff, seqLen, kvDim);
        double[][][] probs = new double[nh][seqLen][seqLen];
        Ops.attention(q, k, v, pos, nh, nkv, hd, new double[seqLen][qDim], probs);
        // probabilities: each row sums to one over its window and is exactly zero outside it
        for (int j = 0; j < nh; j++) {
            for (int t = 0; t < seqLen; t++) {
                double sum = 0;
                for (int t2 = 0; t2 < seqLen; t2++) {
                    boolean visible = t2 <= t && t2 >= t - pos[t];
                    if (!visible) assertEquals(0.0, probs[j][t][t2], 0.0);
                    sum += probs[j][t][t2];
                }
                assertEquals(1.0, sum, 1e-14);
            }
        }
        double[][] dq = new double[seqLen][qDim], dk = new double[seqLen][kvDim], dv = new double[seqLen][kvDim];
        Ops.attentionBackward(c, q, k, v, probs, pos, nh, nkv, hd, dq, dk, dv);
        double[] g = new double[p.length];
        put(dq, g, 0);
        put(dk, g, kOff);
        put(dv, g, vOff);
        checkAll("attention", p, g, loss);
    }

    @Test
    void swiglu() {
        int n = 10;
        double[] p = random(2 * n, 3); // g over [-3, 3] covers silu's curved region, u
        double[] c = random(n, 1);
        java.util.function.DoubleSupplier loss = () -> {
            double[] a = new double[n];
            Ops.swiglu(java.util.Arrays.copyOf(p, n), java.util.Arrays.copyOfRange(p, n, 2 * n), a);
            return dot(c, a);
        };
        double[] dg = new double[n], du = new double[n];
        Ops.swigluBackward(c, java.util.Arrays.copyOf(p, n), java.util.Arrays.copyOfRange(p, n, 2 * n), dg, du);
        double[] g = new double[2 * n];
        System.arraycopy(dg, 0, g, 0, n);
        System.arraycopy(du, 0, g, n, n);
        checkAll("swiglu", p, g, loss);
    }

    @Test
    void crossEntropy() {
        int vocab = 11, target = 4;
        double[] z = random(vocab, 4);
        double w = -0.37; // any upstream dLoss/dlogProb
        double[] g = new double[vocab];
        Ops.logProbBackward(z, target, w, g);
        checkAll("cross-entropy", z, g, () -> w * Ops.logProb(z, target));
        // log-softmax is a log-distribution: Σ_y exp(ℓ_y) = 1, and it matches the naive formula
        double total = 0;
        for (int y = 0; y < vocab; y++) total += Math.exp(Ops.logProb(z, y));
        assertEquals(1.0, total, 1e-14);
        double naive = 0;
        for (double v : z) naive += Math.exp(v);
        assertEquals(z[target] - Math.log(naive), Ops.logProb(z, target), 1e-13);
        // shifting every logit leaves it unchanged, even by a large amount (max-subtraction keeps exp finite)
        double[] shifted = z.clone();
        for (int i = 0; i < vocab; i++) shifted[i] += 1000;
        assertEquals(Ops.logProb(z, target), Ops.logProb(shifted, target), 1e-10);
    }
}
