package dev.distillery.trainers.engine;

/**
 * The per-token operations of a Llama layer, each forward beside its backward (llm.c style). Shapes in the comments:
 * N tokens, C hidden, hd head dim. Gradients accumulate ({@code +=}); callers zero them once per step. Sums run in
 * double so that float32 results stay within ~1e-6 of the float64 reference. Transcendentals use {@link StrictMath}:
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

    /** dy[n, C] → dx[n, C] (+=), dw[C] (+=, may be null when frozen). */
    static void rmsnormBackward(float[] x, int xOff, float[] w, int wOff, float[] rstd, float[] dy, int dyOff,
                                float[] dx, int dxOff, float[] dw, int dwOff, int tokenFrom, int tokenTo, int c) {
        for (int n = tokenFrom; n < tokenTo; n++) {
            int xi = xOff + n * c;
            int di = dyOff + n * c;
            float r = rstd[n];
            double dot = 0; // Σ dn·n
            for (int i = 0; i < c; i++) {
                float nv = x[xi + i] * r;
                float dn = dy[di + i] * w[wOff + i];
                dot += (double) dn * nv;
                if (dw != null) dw[dwOff + i] += dy[di + i] * nv;
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

    // ---- Causal grouped-query attention for one (row, head) ----------------------------------------------------

    /**
     * o_t = Σ_{t2 ∈ [t − pos_t, t]} softmax(c·q_t·k_t2) v_t2 for one row and query head; saves the probabilities
     * in {@code probs[t·T + t2]} (zero outside the window).
     *
     * @param rowOff first token of the row in the token-major buffers
     */
    static void attentionForward(float[] q, float[] k, float[] v, float[] o, float[] probs, int probsOff,
                                 int[] positions, int rowOff, int seqLen, int qWidth, int kvWidth, int qHead,
                                 int kvHead, int hd, float scale) {
        for (int t = 0; t < seqLen; t++) {
            int start = t - positions[rowOff + t];
            int qi = (rowOff + t) * qWidth + qHead * hd;
            int pi = probsOff + t * seqLen;
            float max = Float.NEGATIVE_INFINITY;
            for (int t2 = start; t2 <= t; t2++) {
                int ki = (rowOff + t2) * kvWidth + kvHead * hd;
                float s = 0;
                for (int i = 0; i < hd; i++) s += q[qi + i] * k[ki + i];
                s *= scale;
                probs[pi + t2] = s;
                if (s > max) max = s;
            }
            double sum = 0;
            for (int t2 = start; t2 <= t; t2++) {
                float e = (float) StrictMath.exp(probs[pi + t2] - max);
                probs[pi + t2] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            java.util.Arrays.fill(probs, pi, pi + start, 0f);
            java.util.Arrays.fill(probs, pi + t + 1, pi + seqLen, 0f);
            int oi = (rowOff + t) * qWidth + qHead * hd;
            java.util.Arrays.fill(o, oi, oi + hd, 0f);
            for (int t2 = start; t2 <= t; t2++) {
                float p = probs[pi + t2] * inv;
                probs[pi + t2] = p;
                int vi = (rowOff + t2) * kvWidth + kvHead * hd;
                for (int i = 0; i < hd; i++) o[oi + i] += p * v[vi + i];
            }
        }
    }

    /**
     * Backward of {@link #attentionForward}: dq (+=) for this head, dk and dv (+=) for its KV head. Uses
     * D_t = rowsum(dO_t ⊙ O_t) = Σ P·dP, so dP never needs storing.
     */
    static void attentionBackward(float[] q, float[] k, float[] v, float[] o, float[] probs, int probsOff,
                                  float[] dO, float[] dq, float[] dk, float[] dv, int[] positions, int rowOff,
                                  int seqLen, int qWidth, int kvWidth, int qHead, int kvHead, int hd, float scale) {
        for (int t = 0; t < seqLen; t++) {
            int start = t - positions[rowOff + t];
            int qi = (rowOff + t) * qWidth + qHead * hd;
            int pi = probsOff + t * seqLen;
            float dd = 0;
            for (int i = 0; i < hd; i++) dd += dO[qi + i] * o[qi + i];
            for (int t2 = start; t2 <= t; t2++) {
                float p = probs[pi + t2];
                int kvi = (rowOff + t2) * kvWidth + kvHead * hd; // k and v share one layout
                float dp = 0;
                for (int i = 0; i < hd; i++) {
                    dp += dO[qi + i] * v[kvi + i];
                    dv[kvi + i] += p * dO[qi + i];
                }
                float ds = p * (dp - dd) * scale;
                for (int i = 0; i < hd; i++) {
                    dq[qi + i] += ds * k[kvi + i];
                    dk[kvi + i] += ds * q[qi + i];
                }
            }
        }
    }

    // ---- SwiGLU: a = silu(g) ⊙ u --------------------------------------------------------------------------------

    static void swigluForward(float[] g, float[] u, float[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            float gv = g[i];
            float sig = (float) (1.0 / (1.0 + StrictMath.exp(-gv)));
            a[i] = gv * sig * u[i];
        }
    }

    /** da → dg, du (overwritten). */
    static void swigluBackward(float[] g, float[] u, float[] da, float[] dg, float[] du, int from, int to) {
        for (int i = from; i < to; i++) {
            float gv = g[i];
            float sig = (float) (1.0 / (1.0 + StrictMath.exp(-gv)));
            float silu = gv * sig;
            dg[i] = da[i] * u[i] * sig * (1 + gv * (1 - sig));
            du[i] = da[i] * silu;
        }
    }
}
