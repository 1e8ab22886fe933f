package dev.distillery.trainers.reference;

/**
 * The operators of a Llama decoder in float64, each forward beside its backward (llm.c style), with the formulas of
 * trainer-math §3.3. Vectors are per token; {@code [T][n]} arrays hold one row of tokens. Backward functions
 * <em>accumulate</em> ({@code +=}) into their gradient outputs, so shared weights and branches sum naturally; a null
 * gradient output means "frozen, skip".
 *
 * <p>Package-private: the reference model and its per-op gradient tests are the only callers.
 */
final class Ops {

    private Ops() {
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Linear: y = W·x, W [out, in] row-major at w[wOff..]

    /** {@code y[o] = Σ_i W[o, i]·x[i]}; overwrites {@code y[0..out)}. */
    static void linear(double[] x, double[] w, int wOff, int out, int in, double[] y) {
        for (int o = 0; o < out; o++) {
            double s = 0;
            int row = wOff + o * in;
            for (int i = 0; i < in; i++) s += w[row + i] * x[i];
            y[o] = s;
        }
    }

    /** {@code dx += Wᵀ·dy} (when dx is not null); {@code dW += dy ⊗ x} (when dw is not null). */
    static void linearBackward(double[] dy, double[] x, double[] w, int wOff, int out, int in, double[] dx,
                               double[] dw, int dwOff) {
        for (int o = 0; o < out; o++) {
            double g = dy[o];
            int row = o * in;
            if (dx != null) for (int i = 0; i < in; i++) dx[i] += g * w[wOff + row + i];
            if (dw != null) for (int i = 0; i < in; i++) dw[dwOff + row + i] += g * x[i];
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // RMSNorm: r = (mean x² + eps)^(-1/2), n = x·r, y = w ⊙ n

    /** Writes the normalised {@code n} (saved for backward) and {@code y}; returns the rstd {@code r}. */
    static double rmsNorm(double[] x, double[] w, int wOff, double eps, double[] n, double[] y) {
        int c = x.length;
        double ss = 0;
        for (double v : x) ss += v * v;
        double r = 1.0 / Math.sqrt(ss / c + eps);
        for (int i = 0; i < c; i++) {
            n[i] = x[i] * r;
            y[i] = w[wOff + i] * n[i];
        }
        return r;
    }

    /** {@code dw += dy ⊙ n}; {@code dn = dy ⊙ w}; {@code dx += r·(dn − n·mean(dn ⊙ n))}. */
    static void rmsNormBackward(double[] dy, double[] n, double r, double[] w, int wOff, double[] dx,
                                double[] dw, int dwOff) {
        int c = n.length;
        double[] dn = new double[c];
        double dot = 0;
        for (int i = 0; i < c; i++) {
            dn[i] = dy[i] * w[wOff + i];
            dot += dn[i] * n[i];
            if (dw != null) dw[dwOff + i] += dy[i] * n[i];
        }
        double mean = dot / c;
        for (int i = 0; i < c; i++) dx[i] += r * (dn[i] - n[i] * mean);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // RoPE, Hugging Face rotate-half: pairs (i, i + hd/2) rotated by a = pos·θ^(−2i/hd)

    /**
     * Rotates the head vector {@code x[off..off+hd)} in place by the angles of {@code pos}; {@code inverse} rotates by
     * the negative angles, which is exactly the backward (a rotation's transpose is its inverse).
     */
    static void rope(double[] x, int off, int hd, int pos, double theta, boolean inverse) {
        int half = hd / 2;
        for (int i = 0; i < half; i++) {
            double angle = pos * Math.pow(theta, -2.0 * i / hd);
            double cos = Math.cos(angle);
            double sin = inverse ? -Math.sin(angle) : Math.sin(angle);
            double a = x[off + i];
            double b = x[off + i + half];
            x[off + i] = a * cos - b * sin;
            x[off + i + half] = b * cos + a * sin;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Causal grouped-query attention over one row

    /**
     * {@code out[t]} for every query head j (KV head g = j / (nh / nkv)): {@code P = softmax(q·kᵀ/√hd)} over keys
     * {@code t2 ∈ [t − pos[t], t]} (causal, and blocked at packed-sequence starts), {@code out = P·v}.
     *
     * @param q     [T][nh·hd] after RoPE
     * @param k     [T][nkv·hd] after RoPE
     * @param v     [T][nkv·hd]
     * @param pos   [T] RoPE positions of the row; a token at position p sees the p tokens before it
     * @param out   [T][nh·hd], overwritten
     * @param probs [nh][T][T], overwritten (zeros outside the visible window), saved for backward
     */
    static void attention(double[][] q, double[][] k, double[][] v, int[] pos, int nh, int nkv, int hd,
                          double[][] out, double[][][] probs) {
        int seqLen = q.length;
        int group = nh / nkv;
        double scale = 1.0 / Math.sqrt(hd);
        for (int j = 0; j < nh; j++) {
            int qo = j * hd;
            int kvo = (j / group) * hd;
            for (int t = 0; t < seqLen; t++) {
                double[] p = probs[j][t];
                java.util.Arrays.fill(p, 0.0);
                int first = t - pos[t];
                double max = Double.NEGATIVE_INFINITY;
                for (int t2 = first; t2 <= t; t2++) {
                    double s = 0;
                    for (int d = 0; d < hd; d++) s += q[t][qo + d] * k[t2][kvo + d];
                    p[t2] = s * scale;
                    max = Math.max(max, p[t2]);
                }
                double sum = 0;
                for (int t2 = first; t2 <= t; t2++) {
                    p[t2] = Math.exp(p[t2] - max);
                    sum += p[t2];
                }
                for (int t2 = first; t2 <= t; t2++) p[t2] /= sum;
                for (int d = 0; d < hd; d++) {
                    double o = 0;
                    for (int t2 = first; t2 <= t; t2++) o += p[t2] * v[t2][kvo + d];
                    out[t][qo + d] = o;
                }
            }
        }
    }

    /**
     * Backward of {@link #attention}: {@code dP = dO·vᵀ}; {@code dv_g += Pᵀ·dO}; {@code dS = P ⊙ (dP − Σ P·dP)};
     * {@code dq += c·dS·k}; {@code dk_g += c·dSᵀ·q}. dk and dv accumulate over all query heads of a KV group.
     */
    static void attentionBackward(double[][] dOut, double[][] q, double[][] k, double[][] v, double[][][] probs,
                                  int[] pos, int nh, int nkv, int hd, double[][] dq, double[][] dk, double[][] dv) {
        int seqLen = q.length;
        int group = nh / nkv;
        double scale = 1.0 / Math.sqrt(hd);
        double[] dp = new double[seqLen];
        for (int j = 0; j < nh; j++) {
            int qo = j * hd;
            int kvo = (j / group) * hd;
            for (int t = 0; t < seqLen; t++) {
                double[] p = probs[j][t];
                int first = t - pos[t];
                // dP and dv
                double rowDot = 0; // Σ_t2 P·dP (= rowsum(dO ⊙ O))
                for (int t2 = first; t2 <= t; t2++) {
                    double s = 0;
                    for (int d = 0; d < hd; d++) {
                        s += dOut[t][qo + d] * v[t2][kvo + d];
                        dv[t2][kvo + d] += p[t2] * dOut[t][qo + d];
                    }
                    dp[t2] = s;
                    rowDot += p[t2] * s;
                }
                // through the softmax, then the scaled dot product
                for (int t2 = first; t2 <= t; t2++) {
                    double ds = p[t2] * (dp[t2] - rowDot) * scale;
                    for (int d = 0; d < hd; d++) {
                        dq[t][qo + d] += ds * k[t2][kvo + d];
                        dk[t2][kvo + d] += ds * q[t][qo + d];
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // SwiGLU: a = silu(g) ⊙ u, silu(g) = g·σ(g)

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    static void swiglu(double[] g, double[] u, double[] a) {
        for (int i = 0; i < g.length; i++) a[i] = g[i] * sigmoid(g[i]) * u[i];
    }

    /** {@code dg += da ⊙ u ⊙ σ(g)·(1 + g·(1 − σ(g)))}; {@code du += da ⊙ silu(g)}. */
    static void swigluBackward(double[] da, double[] g, double[] u, double[] dg, double[] du) {
        for (int i = 0; i < g.length; i++) {
            double sg = sigmoid(g[i]);
            dg[i] += da[i] * u[i] * sg * (1 + g[i] * (1 - sg));
            du[i] += da[i] * g[i] * sg;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Log-softmax read at the target: ℓ = z_y − logsumexp(z)

    static double logSumExp(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double s = 0;
        for (double v : z) s += Math.exp(v - max);
        return max + Math.log(s);
    }

    /** {@code log softmax(z)[y]}. */
    static double logProb(double[] z, int y) {
        return z[y] - logSumExp(z);
    }

    /** {@code dz += dℓ·(onehot(y) − softmax(z))}. */
    static void logProbBackward(double[] z, int y, double dLogProb, double[] dz) {
        double lse = logSumExp(z);
        for (int i = 0; i < z.length; i++) {
            double p = Math.exp(z[i] - lse);
            dz[i] += dLogProb * ((i == y ? 1.0 : 0.0) - p);
        }
    }
}
