package dev.distillery.trainers.engine;

import dev.distillery.trainers.kernels.FastExp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-token operations of a Llama layer, each forward beside its backward (llm.c style). Shapes in the comments:
 * N tokens, C hidden, hd head dim. Gradients accumulate ({@code +=}); callers zero them once per step. Sums run in
 * double so that float32 results stay within ~1e-6 of the float64 reference. Exponentials use {@link FastExp}:
 * {@code Math.exp} may differ in the last bit between the interpreter and the JIT's intrinsic, and training amplifies
 * such bits, so a run (or a resumed run) would not reproduce itself exactly.
 */
final class Ops {

    private Ops() {
    }

    // ---- RMSNorm: y = w ⊙ x·r, r = (mean x² + eps)^-½ --------------------------------------------------------

    /** x[n, C] → y[n, C]; saves r[n]. */
    static void rmsnormForward(float[] x, int xOff, float[] w, int wOff, float[] y, int yOff, float[] rstd,
                               int tokenFrom, int tokenTo, int c, float eps) {
        for (int n = tokenFrom; n < tokenTo; n++) {
            int xi = xOff + n * c;
            double ss = 0;
            for (int i = 0; i < c; i++) ss += (double) x[xi + i] * x[xi + i];
            float r = (float) (1.0 / Math.sqrt(ss / c + eps));
            rstd[n] = r;
            int yi = yOff + n * c;
            for (int i = 0; i < c; i++) y[yi + i] = w[wOff + i] * (x[xi + i] * r);
        }
    }

    /** dy[n, C] → dx[n, C] (+=); tokens are independent, so ranges can run in parallel. */
    static void rmsnormBackward(float[] x, int xOff, float[] w, int wOff, float[] rstd, float[] dy, int dyOff,
                                float[] dx, int dxOff, int tokenFrom, int tokenTo, int c) {
        for (int n = tokenFrom; n < tokenTo; n++) {
            int xi = xOff + n * c;
            int di = dyOff + n * c;
            float r = rstd[n];
            double dot = 0; // Σ dn·n
            for (int i = 0; i < c; i++) {
                float nv = x[xi + i] * r;
                float dn = dy[di + i] * w[wOff + i];
                dot += (double) dn * nv;
            }
            float mean = (float) (dot / c);
            int oi = dxOff + n * c;
            for (int i = 0; i < c; i++) {
                float nv = x[xi + i] * r;
                float dn = dy[di + i] * w[wOff + i];
                dx[oi + i] += r * (dn - nv * mean);
            }
        }
    }

    /** dw[C] += Σ_n dy[n] ⊙ x[n]·r[n]: a sum over tokens, kept serial so the order (and result) is fixed. */
    static void rmsnormWeightGrad(float[] x, int xOff, float[] rstd, float[] dy, int dyOff, float[] dw, int dwOff,
                                  int tokens, int c) {
        for (int n = 0; n < tokens; n++) {
            int xi = xOff + n * c;
            int di = dyOff + n * c;
            float r = rstd[n];
            for (int i = 0; i < c; i++) dw[dwOff + i] += dy[di + i] * (x[xi + i] * r);
        }
    }

    // ---- RoPE, rotate-half: pairs (i, i + hd/2) rotated by pos·θ^(-2i/hd) --------------------------------------

    /** Rotates every head of x[n, heads·hd] in place by +angle (forward) or −angle (backward, {@code inverse}). */
    static void rope(float[] x, int width, int heads, int hd, int[] positions, int posOff, float[] cos, float[] sin,
                     int tokenFrom, int tokenTo, boolean inverse) {
        int half = hd / 2;
        for (int n = tokenFrom; n < tokenTo; n++) {
            int p = positions[posOff + n] * half;
            for (int h = 0; h < heads; h++) {
                int base = n * width + h * hd;
                for (int i = 0; i < half; i++) {
                    float cs = cos[p + i];
                    float sn = inverse ? -sin[p + i] : sin[p + i];
                    float a = x[base + i];
                    float b = x[base + i + half];
                    x[base + i] = a * cs - b * sn;
                    x[base + i + half] = b * cs + a * sn;
                }
            }
        }
    }

    // ---- SwiGLU: a = silu(g) ⊙ u --------------------------------------------------------------------------------

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static void swigluForward(float[] g, float[] u, float[] a, int from, int to) {
        int i = from;
        for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector sig = FloatVector.broadcast(S, 1f).div(FastExp.expVector(gv.neg()).add(1f));
            gv.mul(sig).mul(FloatVector.fromArray(S, u, i)).intoArray(a, i);
        }
        for (; i < to; i++) {
            float gv = g[i];
            float sig = 1f / (FastExp.exp(-gv) + 1f);
            a[i] = gv * sig * u[i];
        }
    }

    /** da → dg, du (overwritten); dg = da·u·σ(g)·(1 + g·(1 − σ(g))), du = da·silu(g). */
    static void swigluBackward(float[] g, float[] u, float[] da, float[] dg, float[] du, int from, int to) {
        int i = from;
        for (int upper = from + S.loopBound(to - from); i < upper; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector sig = FloatVector.broadcast(S, 1f).div(FastExp.expVector(gv.neg()).add(1f));
            FloatVector dav = FloatVector.fromArray(S, da, i);
            FloatVector one = FloatVector.broadcast(S, 1f);
            dav.mul(FloatVector.fromArray(S, u, i)).mul(sig).mul(one.add(gv.mul(one.sub(sig)))).intoArray(dg, i);
            dav.mul(gv.mul(sig)).intoArray(du, i);
        }
        for (; i < to; i++) {
            float gv = g[i];
            float sig = 1f / (FastExp.exp(-gv) + 1f);
            dg[i] = da[i] * u[i] * sig * (1 + gv * (1 - sig));
            du[i] = da[i] * (gv * sig);
        }
    }
}
