package dev.distillery.trainers.engine;

import dev.distillery.trainers.kernels.FastExp;
import dev.distillery.trainers.kernels.Gemm;
import dev.distillery.trainers.kernels.Parallel;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.ParameterLayout;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.model.TensorSlot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The float32 training engine: a Llama-family forward that keeps what the backward needs, and the backward of every
 * op, over preallocated buffers (nothing large is allocated per step).
 *
 * <pre>{@code
 * TrainingModel m = TrainingModel.lora(weights, loraLayout, loraParams, 8, 128);
 * SequenceScores s = m.forward(batch);
 * double[] d = new double[s.rows()];
 * Arrays.fill(d, -1.0 / s.totalCount());          // SFT: loss = −Σ log p / N
 * m.zeroGrad();
 * m.backward(d);                                   // gradients in m.loraGrad()
 * }</pre>
 *
 * <p>One step reads top to bottom in {@link #forward} and {@link #backward}. The LM head and cross-entropy are fused
 * and chunked over the scored tokens, so {@code rows × seqLen × vocab} logits never exist at once.
 */
public final class TrainingModel {

    /** What trains: LoRA matrices on a frozen base, or every base weight. */
    public enum Mode { LORA, FULL }

    /** Scored tokens per LM-head chunk: logits buffer is CHUNK × vocab floats. */
    private static final int CHUNK = 128;

    private final ModelConfig c;
    private final ParameterLayout layout;
    private final float[] w;
    private final Mode mode;
    private final LoraLayout loraLayout;
    private final float[] lora;
    private final float loraScale;
    private final float loraDropout;
    private final float[] dW;
    private final float[] dLora;
    private final int maxTokens;
    private final int maxSeqLen;
    private final float[] cos;
    private final float[] sin;
    private final Parallel par = Parallel.shared();
    /** Per-thread T×T scratch for attention gradients; threads are the pool's persistent workers. */
    private final ThreadLocal<float[]> attScratch;
    private boolean loraEnabled = true;
    private boolean training = true;
    private SplittableRandom dropoutRng = new SplittableRandom(0);

    // Saved activations, per layer; sized for maxTokens.
    private final float[][] hIn;     // [L+1][N·C]: input of each layer; hIn[L] is the final norm's input
    private final float[][] rstd1;   // [L][N]
    private final float[][] x1;      // [L][N·C]
    private final float[][] q;       // [L][N·qDim] after RoPE
    private final float[][] k;       // [L][N·kvDim] after RoPE
    private final float[][] v;       // [L][N·kvDim]
    private final float[][] probs;   // [L][rows·nh·T·T]
    private final float[][] att;     // [L][N·qDim] attention output, input of o_proj
    private final float[][] hMid;    // [L][N·C]
    private final float[][] rstd2;   // [L][N]
    private final float[][] x2;      // [L][N·C]
    private final float[][] gate;    // [L][N·I]
    private final float[][] up;      // [L][N·I]
    private final float[][] act;     // [L][N·I] silu(gate) ⊙ up, input of down_proj
    private final float[][][] loraU;   // [L][projection][N·r] x·Aᵀ
    private final float[][][] loraX;   // [L][projection][N·in] dropped-out input (only with dropout)
    private final float[] rstdF;
    private final float[] xF;
    private final float[] lse;       // per scored token: log-sum-exp of its logits

    // Backward scratch.
    private final float[] dh, dx, dq, dk, dv, dAtt, dAct, dGate, dUp, tmpR, tmpR2;
    private final float[] logits;
    private final float[] chunkX;
    private final float[] chunkDx;

    private Batch batch;
    private int[] scored = new int[0];   // token index of each scored position
    private int scoredCount;

    private TrainingModel(ModelWeights weights, Mode mode, LoraLayout loraLayout, float[] lora, double loraDropout,
                          int maxRows, int maxSeqLen) {
        this.layout = weights.layout();
        this.c = layout.config();
        this.w = weights.data();
        this.mode = mode;
        this.loraLayout = loraLayout;
        this.lora = lora;
        this.loraScale = loraLayout == null ? 0f : (float) loraLayout.config().scale();
        this.loraDropout = (float) loraDropout;
        this.dW = mode == Mode.FULL ? new float[layout.size()] : null;
        this.dLora = mode == Mode.LORA ? new float[loraLayout.size()] : null;
        this.maxSeqLen = maxSeqLen;
        this.maxTokens = maxRows * maxSeqLen;
        if (maxSeqLen > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence length " + maxSeqLen + " exceeds the model's context ("
                    + c.maxPositionEmbeddings() + " positions)");
        }
        int half = c.headDim() / 2;
        cos = new float[maxSeqLen * half];
        sin = new float[maxSeqLen * half];
        for (int p = 0; p < maxSeqLen; p++) {
            for (int i = 0; i < half; i++) {
                double invFreq = StrictMath.pow(c.ropeTheta(), -2.0 * i / c.headDim());
                double a = p * invFreq;
                cos[p * half + i] = (float) StrictMath.cos(a);
                sin[p * half + i] = (float) StrictMath.sin(a);
            }
        }
        attScratch = ThreadLocal.withInitial(() -> new float[maxSeqLen * maxSeqLen]);
        int n = maxTokens;
        int L = c.numLayers();
        int C = c.hiddenSize();
        int I = c.intermediateSize();
        hIn = new float[L + 1][n * C];
        rstd1 = new float[L][n];
        x1 = new float[L][n * C];
        q = new float[L][n * c.qDim()];
        k = new float[L][n * c.kvDim()];
        v = new float[L][n * c.kvDim()];
        probs = new float[L][maxRows * c.numHeads() * maxSeqLen * maxSeqLen];
        att = new float[L][n * c.qDim()];
        hMid = new float[L][n * C];
        rstd2 = new float[L][n];
        x2 = new float[L][n * C];
        gate = new float[L][n * I];
        up = new float[L][n * I];
        act = new float[L][n * I];
        int r = loraLayout == null ? 0 : loraLayout.config().rank();
        loraU = new float[L][Projection.values().length][];
        loraX = new float[L][Projection.values().length][];
        if (loraLayout != null) {
            for (LoraLayout.Adapter a : loraLayout.adapters()) {
                loraU[a.layer()][a.projection().ordinal()] = new float[n * r];
                if (loraDropout > 0) loraX[a.layer()][a.projection().ordinal()] = new float[n * a.projection().in(c)];
            }
        }
        rstdF = new float[n];
        xF = new float[n * C];
        lse = new float[n];
        int widest = Math.max(Math.max(C, I), Math.max(c.qDim(), c.kvDim()));
        dh = new float[n * C];
        dx = new float[n * widest];
        dq = new float[n * c.qDim()];
        dk = new float[n * c.kvDim()];
        dv = new float[n * c.kvDim()];
        dAtt = new float[n * c.qDim()];
        dAct = new float[n * I];
        dGate = new float[n * I];
        dUp = new float[n * I];
        tmpR = new float[n * Math.max(r, 1)];
        tmpR2 = new float[n * Math.max(r, 1)];
        logits = new float[CHUNK * c.vocabSize()];
        chunkX = new float[CHUNK * C];
        chunkDx = new float[CHUNK * C];
    }

    /** LoRA training: base frozen, {@code lora} (in {@link LoraLayout} order) trains; it is read live, not copied. */
    public static TrainingModel lora(ModelWeights base, LoraLayout loraLayout, float[] lora, int maxRows, int maxSeqLen) {
        Objects.requireNonNull(loraLayout, "loraLayout");
        if (lora.length != loraLayout.size()) {
            throw new IllegalArgumentException("LoRA buffer has " + lora.length + " floats, layout needs " + loraLayout.size());
        }
        return new TrainingModel(base, Mode.LORA, loraLayout, lora, loraLayout.config().dropout(), maxRows, maxSeqLen);
    }

    /** Full fine-tuning: every weight in {@code weights} trains (the array is updated in place by the optimizer). */
    public static TrainingModel full(ModelWeights weights, int maxRows, int maxSeqLen) {
        return new TrainingModel(weights, Mode.FULL, null, null, 0, maxRows, maxSeqLen);
    }

    public Mode mode() {
        return mode;
    }

    public ModelConfig config() {
        return c;
    }

    /** The trainable parameters: the LoRA buffer, or the base weights in full mode. */
    public float[] parameters() {
        return mode == Mode.LORA ? lora : w;
    }

    /** Gradients matching {@link #parameters()}. */
    public float[] gradients() {
        return mode == Mode.LORA ? dLora : dW;
    }

    public void zeroGrad() {
        Arrays.fill(gradients(), 0f);
    }

    /** Turns the LoRA path off (the reference policy for DPO) or on again. */
    public void setLoraEnabled(boolean enabled) {
        this.loraEnabled = enabled;
    }

    /** Training mode applies LoRA dropout; evaluation does not. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    /** Seeds the dropout masks, so that a resumed run draws the same masks as an uninterrupted one. */
    public void seedDropout(long seed) {
        this.dropoutRng = new SplittableRandom(seed);
    }

    // =================================================================================================================
    // Forward
    // =================================================================================================================

    /** Runs the model over {@code b}, keeping the activations for {@link #backward}. */
    public SequenceScores forward(Batch b) {
        int n = b.rows() * b.seqLen();
        if (b.seqLen() > maxSeqLen || n > maxTokens) {
            throw new IllegalArgumentException("batch " + b.rows() + "x" + b.seqLen() + " exceeds the engine's capacity of "
                    + (maxTokens / maxSeqLen) + "x" + maxSeqLen);
        }
        this.batch = b;
        int C = c.hiddenSize();
        int I = c.intermediateSize();
        float eps = (float) c.rmsNormEps();

        // Embedding: h = E[id]
        int e = (int) layout.embed().offset();
        for (int t = 0; t < n; t++) {
            int id = b.inputIds()[t];
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary (size " + c.vocabSize() + ")");
            }
            System.arraycopy(w, e + id * C, hIn[0], t * C, C);
        }

        for (int l = 0; l < c.numLayers(); l++) {
            ParameterLayout.Layer lw = layout.layer(l);
            // Attention block: x1 = norm(h); q, k, v; RoPE; attention; h_mid = h + o·Woᵀ
            final int li = l;
            pfor(n, C, (a, z) -> Ops.rmsnormForward(hIn[li], 0, w, off(lw.inputNorm()), x1[li], 0, rstd1[li], a, z, C, eps));
            linearForward(l, Projection.Q, x1[l], q[l], n);
            linearForward(l, Projection.K, x1[l], k[l], n);
            linearForward(l, Projection.V, x1[l], v[l], n);
            pfor(n, c.qDim() + c.kvDim(), (a, z) -> {
                Ops.rope(q[li], c.qDim(), c.numHeads(), c.headDim(), b.positions(), 0, cos, sin, a, z, false);
                Ops.rope(k[li], c.kvDim(), c.numKvHeads(), c.headDim(), b.positions(), 0, cos, sin, a, z, false);
            });
            attentionForward(l, b);
            linearForward(l, Projection.O, att[l], hMid[l], n);
            add(hMid[l], hIn[l], n * C);
            // MLP block: x2 = norm(h_mid); a = silu(x2·Wgᵀ) ⊙ (x2·Wuᵀ); h_out = h_mid + a·Wdᵀ
            pfor(n, C, (a, z) -> Ops.rmsnormForward(hMid[li], 0, w, off(lw.postNorm()), x2[li], 0, rstd2[li], a, z, C, eps));
            linearForward(l, Projection.GATE, x2[l], gate[l], n);
            linearForward(l, Projection.UP, x2[l], up[l], n);
            pfor(n * I, 8, (a, z) -> Ops.swigluForward(gate[li], up[li], act[li], a, z));
            linearForward(l, Projection.DOWN, act[l], hIn[l + 1], n);
            add(hIn[l + 1], hMid[l], n * C);
        }

        // Final norm, then LM head fused with log-softmax, over scored tokens only.
        pfor(n, C, (a, z) -> Ops.rmsnormForward(hIn[c.numLayers()], 0, w, off(layout.finalNorm()), xF, 0, rstdF, a, z, C, eps));
        collectScored(b);
        double[] logProb = new double[b.rows()];
        int[] count = new int[b.rows()];
        for (int from = 0; from < scoredCount; from += CHUNK) {
            int m = Math.min(CHUNK, scoredCount - from);
            int base = from;
            chunkLogits(from, m);
            int V = c.vocabSize();
            pfor(m, 4 * V, (a, z) -> {
                for (int j = a; j < z; j++) {
                    int li = j * V;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int v = 0; v < V; v++) max = Math.max(max, logits[li + v]);
                    int target = b.labels()[scored[base + j] + 1];
                    float zt = logits[li + target];
                    float sum = FastExp.expInPlace(logits, li, li + V, max);
                    float l = max + (float) StrictMath.log(sum);
                    lse[base + j] = l;    // needed by the backward
                    logits[li] = zt - l;  // the logits row is spent: keep this token's log-prob in its first slot
                }
            });
            for (int j = 0; j < m; j++) {
                int row = scored[from + j] / b.seqLen();
                logProb[row] += logits[j * V];
                count[row]++;
            }
        }
        return new SequenceScores(logProb, count);
    }

    /** Scored positions: t with a real label at t + 1 inside the same row. */
    private void collectScored(Batch b) {
        int n = b.rows() * b.seqLen();
        if (scored.length < n) scored = new int[n];
        scoredCount = 0;
        for (int r = 0; r < b.rows(); r++) {
            for (int t = 0; t + 1 < b.seqLen(); t++) {
                int i = r * b.seqLen() + t;
                if (b.labels()[i + 1] != Batch.IGNORE) {
                    int target = b.labels()[i + 1];
                    if (target < 0 || target >= c.vocabSize()) {
                        throw new IllegalArgumentException("label " + target + " outside the vocabulary (size "
                                + c.vocabSize() + ")");
                    }
                    scored[scoredCount++] = i;
                }
            }
        }
    }

    /** logits[j, :] = xF[scored[from + j]] · W_lmᵀ for j < m. */
    private void chunkLogits(int from, int m) {
        int C = c.hiddenSize();
        for (int j = 0; j < m; j++) System.arraycopy(xF, scored[from + j] * C, chunkX, j * C, C);
        Matmul.abt(m, c.vocabSize(), C, chunkX, 0, C, w, off(layout.lmHead()), C, logits, 0, c.vocabSize(), false);
    }

    /**
     * Causal grouped-query attention with the matrix products on the GEMM kernels, one task per (row, KV group):
     * S = Q_h·K_gᵀ (all T×T, the masked half is wasted but the kernel is fast), masked softmax in place (saved as
     * the probabilities), O_h = P·V_g. A query at position p sees the p tokens before it (packing-aware).
     */
    private void attentionForward(int l, Batch b) {
        int T = b.seqLen();
        int hd = c.headDim();
        int group = c.numHeads() / c.numKvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        int qW = c.qDim(), kvW = c.kvDim();
        pfor(b.rows() * c.numKvHeads(), 4 * group * T * T * hd, (from, to) -> {
            for (int task = from; task < to; task++) {
                int r = task / c.numKvHeads(), g = task % c.numKvHeads();
                int kvOff = r * T * kvW + g * hd;
                for (int h = g * group; h < (g + 1) * group; h++) {
                    int qOff = r * T * qW + h * hd;
                    int pOff = (r * c.numHeads() + h) * T * T;
                    Gemm.multiply(Gemm.Layout.ABT, T, T, hd, q[l], qOff, qW, k[l], kvOff, kvW, probs[l], pOff, T, false, null);
                    for (int t = 0; t < T; t++) {
                        int start = t - b.positions()[r * T + t];
                        int pi = pOff + t * T;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int t2 = start; t2 <= t; t2++) {
                            probs[l][pi + t2] *= scale;
                            max = Math.max(max, probs[l][pi + t2]);
                        }
                        float sum = FastExp.expInPlace(probs[l], pi + start, pi + t + 1, max);
                        float inv = 1f / sum;
                        for (int t2 = start; t2 <= t; t2++) probs[l][pi + t2] *= inv;
                        java.util.Arrays.fill(probs[l], pi, pi + start, 0f);
                        java.util.Arrays.fill(probs[l], pi + t + 1, pi + T, 0f);
                    }
                    Gemm.multiply(Gemm.Layout.AB, T, hd, T, probs[l], pOff, T, v[l], kvOff, kvW, att[l], qOff, qW, false, null);
                }
            }
        });
    }

    /** Below this many operations a loop runs on the calling thread: waking the other core costs more. */
    private static final long PARALLEL_MIN_WORK = 1L << 15;

    /** {@code parallelFor} over n items of about {@code costPerItem} operations each, inline when that is small. */
    private void pfor(int n, long costPerItem, Parallel.Range body) {
        if ((long) n * costPerItem < PARALLEL_MIN_WORK) body.run(0, n);
        else par.parallelFor(n, body);
    }

    /** a[i] += b[i] for i < n, in parallel. */
    private void add(float[] a, float[] b, int n) {
        pfor(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) a[i] += b[i];
        });
    }

    /** y[n, out] = x·Wᵀ (+ b) (+ s·(drop(x)·Aᵀ)·Bᵀ when LoRA adapts this projection). */
    private void linearForward(int l, Projection p, float[] x, float[] y, int n) {
        int in = p.in(c);
        int out = p.out(c);
        ParameterLayout.Layer lw = layout.layer(l);
        Matmul.abt(n, out, in, x, 0, in, w, off(lw.weight(p)), in, y, 0, out, false);
        TensorSlot bias = lw.bias(p);
        if (bias != null) {
            int bo = off(bias);
            for (int t = 0; t < n; t++) for (int j = 0; j < out; j++) y[t * out + j] += w[bo + j];
        }
        LoraLayout.Adapter a = adapter(l, p);
        if (a == null) return;
        int r = loraLayout.config().rank();
        float[] u = loraU[l][p.ordinal()];
        float[] xin = x;
        if (loraDropout > 0 && training) {
            xin = loraX[l][p.ordinal()];
            float keep = 1f / (1f - loraDropout);
            for (int i = 0; i < n * in; i++) xin[i] = dropoutRng.nextDouble() < loraDropout ? 0f : x[i] * keep;
        } else if (loraDropout > 0) {
            System.arraycopy(x, 0, loraX[l][p.ordinal()], 0, n * in);
            xin = loraX[l][p.ordinal()];
        }
        Matmul.abt(n, r, in, xin, 0, in, lora, off(a.a()), in, u, 0, r, false);
        for (int i = 0; i < n * r; i++) tmpR[i] = loraScale * u[i];
        Matmul.abt(n, out, r, tmpR, 0, r, lora, off(a.b()), r, y, 0, out, true);
    }

    private LoraLayout.Adapter adapter(int l, Projection p) {
        return loraLayout == null || !loraEnabled ? null : loraLayout.adapter(l, p);
    }

    // =================================================================================================================
    // Backward
    // =================================================================================================================

    /**
     * Accumulates the gradients of a loss whose derivative with respect to each row's summed target log-probability
     * is {@code dLogProb[row]}. For SFT with token-mean loss over N targets: every entry is −1/N.
     */
    public void backward(double[] dLogProb) {
        Batch b = Objects.requireNonNull(batch, "forward() must run before backward()");
        if (dLogProb.length != b.rows()) {
            throw new IllegalArgumentException("dLogProb has " + dLogProb.length + " entries for " + b.rows() + " rows");
        }
        int n = b.rows() * b.seqLen();
        int C = c.hiddenSize();
        int I = c.intermediateSize();
        int V = c.vocabSize();

        // LM head + cross-entropy: dz = dLogProb[row] · (onehot(y) − softmax(z)), recomputing logits per chunk.
        Arrays.fill(dh, 0, n * C, 0f);
        float[] dxF = dx;
        Arrays.fill(dxF, 0, n * C, 0f);
        for (int from = 0; from < scoredCount; from += CHUNK) {
            int m = Math.min(CHUNK, scoredCount - from);
            int base = from;
            chunkLogits(from, m);
            pfor(m, 4 * V, (a, z) -> {
                for (int j = a; j < z; j++) {
                    int t = scored[base + j];
                    float g = (float) dLogProb[t / b.seqLen()];
                    int li = j * V;
                    FastExp.expInPlace(logits, li, li + V, lse[base + j]);
                    for (int v = 0; v < V; v++) logits[li + v] *= -g;
                    logits[li + b.labels()[t + 1]] += g;
                }
            });
            Matmul.ab(m, C, V, logits, 0, V, w, off(layout.lmHead()), C, chunkDx, 0, C, false);
            for (int j = 0; j < m; j++) {
                int t = scored[from + j];
                for (int i = 0; i < C; i++) dxF[t * C + i] += chunkDx[j * C + i];
            }
            if (dW != null) {
                Matmul.atb(V, C, m, logits, 0, V, chunkX, 0, C, dW, off(layout.lmHead()), C, true);
            }
        }
        normBackward(hIn[c.numLayers()], layout.finalNorm(), rstdF, dxF, n);

        for (int l = c.numLayers() - 1; l >= 0; l--) {
            ParameterLayout.Layer lw = layout.layer(l);
            // MLP block, dh is d(h_out); the residual passes it to h_mid unchanged.
            Arrays.fill(dAct, 0, n * I, 0f);
            linearBackward(l, Projection.DOWN, act[l], dh, dAct, n);
            final int li = l;
            pfor(n * I, 8, (a, z) -> Ops.swigluBackward(gate[li], up[li], dAct, dGate, dUp, a, z));
            Arrays.fill(dx, 0, n * C, 0f);
            linearBackward(l, Projection.GATE, x2[l], dGate, dx, n);
            linearBackward(l, Projection.UP, x2[l], dUp, dx, n);
            normBackward(hMid[l], lw.postNorm(), rstd2[l], dx, n);
            // Attention block, dh is now d(h_mid).
            Arrays.fill(dAtt, 0, n * c.qDim(), 0f);
            linearBackward(l, Projection.O, att[l], dh, dAtt, n);
            Arrays.fill(dq, 0, n * c.qDim(), 0f);
            Arrays.fill(dk, 0, n * c.kvDim(), 0f);
            Arrays.fill(dv, 0, n * c.kvDim(), 0f);
            attentionBackward(l, b);
            pfor(n, c.qDim() + c.kvDim(), (a, z) -> {
                Ops.rope(dq, c.qDim(), c.numHeads(), c.headDim(), b.positions(), 0, cos, sin, a, z, true);
                Ops.rope(dk, c.kvDim(), c.numKvHeads(), c.headDim(), b.positions(), 0, cos, sin, a, z, true);
            });
            Arrays.fill(dx, 0, n * C, 0f);
            linearBackward(l, Projection.Q, x1[l], dq, dx, n);
            linearBackward(l, Projection.K, x1[l], dk, dx, n);
            linearBackward(l, Projection.V, x1[l], dv, dx, n);
            normBackward(hIn[l], lw.inputNorm(), rstd1[l], dx, n);
        }

        // Embedding: dE[id] += dh
        if (dW != null) {
            int e = (int) layout.embed().offset();
            for (int t = 0; t < n; t++) {
                int row = e + b.inputIds()[t] * C;
                for (int i = 0; i < C; i++) dW[row + i] += dh[t * C + i];
            }
        }
    }

    /** RMSNorm backward into dh (+=), and the weight gradient in full fine-tuning. */
    private void normBackward(float[] x, TensorSlot weight, float[] rstd, float[] dy, int n) {
        int C = c.hiddenSize();
        pfor(n, 2 * C, (a, z) -> Ops.rmsnormBackward(x, 0, w, off(weight), rstd, dy, 0, dh, 0, a, z, C));
        if (dW != null) Ops.rmsnormWeightGrad(x, 0, rstd, dy, 0, dW, off(weight), n, C);
    }

    /**
     * Backward of {@link #attentionForward}, per (row, KV group): dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P))·scale,
     * dQ = dS·K, dK += dSᵀ·Q, dV += Pᵀ·dO. The heads of one group run in one task, so dK and dV sum without races.
     */
    private void attentionBackward(int l, Batch b) {
        int T = b.seqLen();
        int hd = c.headDim();
        int group = c.numHeads() / c.numKvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        int qW = c.qDim(), kvW = c.kvDim();
        pfor(b.rows() * c.numKvHeads(), 8 * group * T * T * hd, (from, to) -> {
            float[] dS = attScratch.get();
            for (int task = from; task < to; task++) {
                int r = task / c.numKvHeads(), g = task % c.numKvHeads();
                int kvOff = r * T * kvW + g * hd;
                for (int h = g * group; h < (g + 1) * group; h++) {
                    int qOff = r * T * qW + h * hd;
                    int pOff = (r * c.numHeads() + h) * T * T;
                    Gemm.multiply(Gemm.Layout.ABT, T, T, hd, dAtt, qOff, qW, v[l], kvOff, kvW, dS, 0, T, false, null);
                    for (int t = 0; t < T; t++) {
                        int start = t - b.positions()[r * T + t];
                        int pi = pOff + t * T;
                        float dd = 0;
                        for (int t2 = start; t2 <= t; t2++) dd += probs[l][pi + t2] * dS[t * T + t2];
                        for (int t2 = 0; t2 < T; t2++) {
                            dS[t * T + t2] = t2 < start || t2 > t ? 0f : probs[l][pi + t2] * (dS[t * T + t2] - dd) * scale;
                        }
                    }
                    Gemm.multiply(Gemm.Layout.AB, T, hd, T, dS, 0, T, k[l], kvOff, kvW, dq, qOff, qW, true, null);
                    Gemm.multiply(Gemm.Layout.ATB, T, hd, T, dS, 0, T, q[l], qOff, qW, dk, kvOff, kvW, true, null);
                    Gemm.multiply(Gemm.Layout.ATB, T, hd, T, probs[l], pOff, T, dAtt, qOff, qW, dv, kvOff, kvW, true, null);
                }
            }
        });
    }

    /**
     * Backward of {@link #linearForward}: dx[n, in] += dy·W (+ s·(dy·B)·A); trainable weights get
     * dW += dyᵀ·x, db += Σ dy; LoRA gets dB += s·dyᵀ·u and dA += (s·dy·B)ᵀ·drop(x).
     */
    private void linearBackward(int l, Projection p, float[] x, float[] dy, float[] dxOut, int n) {
        int in = p.in(c);
        int out = p.out(c);
        ParameterLayout.Layer lw = layout.layer(l);
        int wo = off(lw.weight(p));
        Matmul.ab(n, in, out, dy, 0, out, w, wo, in, dxOut, 0, in, true);
        if (dW != null) {
            Matmul.atb(out, in, n, dy, 0, out, x, 0, in, dW, wo, in, true);
            TensorSlot bias = lw.bias(p);
            if (bias != null) {
                int bo = off(bias);
                for (int t = 0; t < n; t++) for (int j = 0; j < out; j++) dW[bo + j] += dy[t * out + j];
            }
        }
        LoraLayout.Adapter a = adapter(l, p);
        if (a == null) return;
        int r = loraLayout.config().rank();
        float[] u = loraU[l][p.ordinal()];
        float[] xin = loraDropout > 0 ? loraX[l][p.ordinal()] : x;
        // dB[out, r] += dyᵀ · (s·u)
        for (int i = 0; i < n * r; i++) tmpR[i] = loraScale * u[i];
        Matmul.atb(out, r, n, dy, 0, out, tmpR, 0, r, dLora, off(a.b()), r, true);
        // du[n, r] = s · dy · B
        Matmul.ab(n, r, out, dy, 0, out, lora, off(a.b()), r, tmpR2, 0, r, false);
        for (int i = 0; i < n * r; i++) tmpR2[i] *= loraScale;
        // dA[r, in] += duᵀ · drop(x);  dx += du · A
        Matmul.atb(r, in, n, tmpR2, 0, r, xin, 0, in, dLora, off(a.a()), in, true);
        Matmul.ab(n, in, r, tmpR2, 0, r, lora, off(a.a()), in, dxOut, 0, in, true);
    }

    /** The name of the first trainable tensor whose gradient holds NaN or infinity, for divergence messages. */
    public java.util.Optional<String> firstNonFiniteGradient() {
        float[] g = gradients();
        List<TensorSlot> slots = mode == Mode.LORA ? loraLayout.tensors() : layout.tensors();
        for (TensorSlot s : slots) {
            for (int i = off(s), end = off(s) + (int) s.size(); i < end; i++) {
                if (!Float.isFinite(g[i])) return java.util.Optional.of(s.name());
            }
        }
        return java.util.Optional.empty();
    }

    private static int off(TensorSlot s) {
        return (int) s.offset();
    }

    /**
     * Logits of every position of one row, {@code [seqLen × vocab]}, for parity checks against Jlama and the float64
     * reference. Runs a forward pass (without dropout).
     */
    public float[] logits(Batch b, int row) {
        boolean was = training;
        training = false;
        try {
            forward(b);
        } finally {
            training = was;
        }
        int C = c.hiddenSize();
        float[] out = new float[b.seqLen() * c.vocabSize()];
        Matmul.abt(b.seqLen(), c.vocabSize(), C, xF, row * b.seqLen() * C, C, w, off(layout.lmHead()), C, out, 0,
                c.vocabSize(), false);
        return out;
    }

    /** Buffers this engine holds, in bytes: what a step costs in memory besides the weights. */
    public long activationBytes() {
        long floats = 0;
        List<float[][]> perLayer = new ArrayList<>(List.of(hIn, rstd1, x1, q, k, v, probs, att, hMid, rstd2, x2, gate, up, act));
        for (float[][] a : perLayer) for (float[] x : a) floats += x.length;
        for (float[][] a : loraU) for (float[] x : a) if (x != null) floats += x.length;
        for (float[][] a : loraX) for (float[] x : a) if (x != null) floats += x.length;
        floats += rstdF.length + xF.length + lse.length + dh.length + dx.length + dq.length + dk.length + dv.length
                + dAtt.length + dAct.length + dGate.length + dUp.length + tmpR.length + tmpR2.length + logits.length
                + chunkX.length + chunkDx.length;
        return floats * 4;
    }
}
