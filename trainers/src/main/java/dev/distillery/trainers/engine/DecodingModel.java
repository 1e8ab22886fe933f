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

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Inference-only forward of the engine with a KV cache: prefill a sequence once, then decode one token per step for
 * several sequences at once. It computes what {@link TrainingModel} computes (same weights, the same LoRA path
 * without merging, the same kernels), but keeps no activations for a backward, so decoding costs O(T) per token
 * instead of a full O(T²) forward.
 *
 * <pre>{@code
 * DecodingModel m = DecodingModel.of(weights, null, null);
 * DecodingModel.Sequence a = m.newSequence(64), b = m.newSequence(64);
 * float[] la = m.prefill(a, promptA), lb = m.prefill(b, promptB);     // next-token logits [V]
 * float[][] next = m.decode(List.of(a, b), new int[] {tokenA, tokenB}); // one step for both
 * }</pre>
 *
 * <p>Why batching helps on a CPU: decoding one sequence multiplies a single row by every weight matrix, which is
 * bound by reading the weights from memory; decoding B sequences in one step reads them once for B rows (a GEMM).
 * Each row's numbers do not depend on which other rows share its step (the GEMM sums every output element in the
 * same order for any M), so a sample is the same whether it was decoded alone or in a batch.
 *
 * <p>Not thread-safe: callers serialize calls (LocalModel holds one lock per model).
 */
public final class DecodingModel {

    /** Tokens per forward pass: prefill runs in chunks of this many; a decode step handles at most this many rows. */
    public static final int MAX_TOKENS_PER_PASS = 64;

    private static final long PARALLEL_MIN_WORK = 1L << 15;

    private final ModelConfig c;
    private final ParameterLayout layout;
    private final float[] w;
    private final LoraLayout loraLayout;
    private final float[] lora;
    private final float loraScale;
    private final float[] cos;
    private final float[] sin;
    private final Parallel par = Parallel.shared();
    private final ThreadLocal<float[][]> scores = ThreadLocal.withInitial(() -> new float[1][0]);

    // Scratch for one pass of up to MAX_TOKENS_PER_PASS tokens.
    private final float[] h, x, q, k, v, att, o, gate, up, rstd, loraU, loraT;
    private final int[] pos = new int[MAX_TOKENS_PER_PASS];
    private final Sequence[] seqOf = new Sequence[MAX_TOKENS_PER_PASS];

    /** One sequence's KV cache: for each layer, keys and values of every position decoded so far. */
    public final class Sequence {
        private final float[][] keys;
        private final float[][] values;
        private final int capacity;
        private int length;

        private Sequence(int capacity) {
            this.capacity = capacity;
            this.keys = new float[c.numLayers()][capacity * c.kvDim()];
            this.values = new float[c.numLayers()][capacity * c.kvDim()];
        }

        /** Tokens in the cache. */
        public int length() {
            return length;
        }

        /** Most tokens this sequence can hold. */
        public int capacity() {
            return capacity;
        }

        private DecodingModel owner() {
            return DecodingModel.this;
        }
    }

    private DecodingModel(ModelWeights weights, LoraLayout loraLayout, float[] lora) {
        this.layout = weights.layout();
        this.c = layout.config();
        this.w = weights.data();
        this.loraLayout = loraLayout;
        this.lora = lora;
        this.loraScale = loraLayout == null ? 0f : (float) loraLayout.config().scale();
        int maxPos = c.maxPositionEmbeddings();
        int half = c.headDim() / 2;
        cos = new float[maxPos * half];
        sin = new float[maxPos * half];
        // The same table, computed the same way, as TrainingModel: positions must rotate identically.
        for (int p = 0; p < maxPos; p++) {
            for (int i = 0; i < half; i++) {
                double a = p * StrictMath.pow(c.ropeTheta(), -2.0 * i / c.headDim());
                cos[p * half + i] = (float) StrictMath.cos(a);
                sin[p * half + i] = (float) StrictMath.sin(a);
            }
        }
        int n = MAX_TOKENS_PER_PASS;
        int C = c.hiddenSize(), I = c.intermediateSize();
        int r = loraLayout == null ? 1 : loraLayout.config().rank();
        h = new float[n * C];
        x = new float[n * Math.max(C, I)];
        q = new float[n * c.qDim()];
        k = new float[n * c.kvDim()];
        v = new float[n * c.kvDim()];
        att = new float[n * c.qDim()];
        o = new float[n * C];
        gate = new float[n * I];
        up = new float[n * I];
        rstd = new float[n];
        loraU = new float[n * r];
        loraT = new float[n * r];
    }

    /** A decoder over {@code weights}, plus an unmerged LoRA adapter when {@code loraLayout} is not null. */
    public static DecodingModel of(ModelWeights weights, LoraLayout loraLayout, float[] lora) {
        Objects.requireNonNull(weights, "weights");
        if (loraLayout != null && (lora == null || lora.length != loraLayout.size())) {
            throw new IllegalArgumentException("LoRA buffer does not match its layout");
        }
        return new DecodingModel(weights, loraLayout, lora);
    }

    public ModelConfig config() {
        return c;
    }

    /** An empty sequence able to hold {@code capacity} tokens (prompt plus generated). */
    public Sequence newSequence(int capacity) {
        if (capacity < 1 || capacity > c.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence capacity " + capacity + " outside 1.."
                    + c.maxPositionEmbeddings() + " (the model's context)");
        }
        return new Sequence(capacity);
    }

    /** Appends {@code ids} to {@code s} (usually an empty sequence) and returns the next-token logits {@code [V]}. */
    public float[] prefill(Sequence s, int[] ids) {
        check(s, ids.length);
        if (ids.length == 0) throw new IllegalArgumentException("nothing to prefill");
        float[] logits = null;
        for (int from = 0; from < ids.length; from += MAX_TOKENS_PER_PASS) {
            int m = Math.min(MAX_TOKENS_PER_PASS, ids.length - from);
            for (int i = 0; i < m; i++) {
                seqOf[i] = s;
                pos[i] = s.length + i;
            }
            boolean last = from + m == ids.length;
            float[][] out = pass(Arrays.copyOfRange(ids, from, from + m), m, last ? new int[] {m - 1} : new int[0]);
            s.length += m;
            if (last) logits = out[0];
        }
        return logits;
    }

    /**
     * One decoding step for several sequences: appends {@code tokens[i]} to {@code sequences.get(i)} and returns each
     * one's next-token logits. At most {@link #MAX_TOKENS_PER_PASS} sequences, each at most once.
     */
    public float[][] decode(List<Sequence> sequences, int[] tokens) {
        int b = sequences.size();
        if (tokens.length != b) throw new IllegalArgumentException(b + " sequences but " + tokens.length + " tokens");
        if (b > MAX_TOKENS_PER_PASS) {
            throw new IllegalArgumentException("at most " + MAX_TOKENS_PER_PASS + " sequences per step, got " + b);
        }
        int[] rows = new int[b];
        for (int i = 0; i < b; i++) {
            Sequence s = sequences.get(i);
            check(s, 1);
            for (int j = 0; j < i; j++) {
                if (seqOf[j] == s) throw new IllegalArgumentException("a sequence appears twice in one step");
            }
            seqOf[i] = s;
            pos[i] = s.length;
            rows[i] = i;
        }
        float[][] out = pass(tokens, b, rows);
        for (Sequence s : sequences) s.length++;
        return out;
    }

    private void check(Sequence s, int more) {
        if (s.owner() != this) throw new IllegalArgumentException("sequence belongs to another model");
        if (s.length + more > s.capacity) {
            throw new IllegalArgumentException("sequence of " + s.length + " tokens cannot take " + more
                    + " more: capacity " + s.capacity);
        }
    }

    // =================================================================================================================
    // One pass over n tokens; token i belongs to seqOf[i] at position pos[i]. Returns logits of the rows in `wanted`.
    // =================================================================================================================

    private float[][] pass(int[] ids, int n, int[] wanted) {
        int C = c.hiddenSize(), I = c.intermediateSize();
        float eps = (float) c.rmsNormEps();
        int e = off(layout.embed());
        for (int t = 0; t < n; t++) {
            int id = ids[t];
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary (size " + c.vocabSize() + ")");
            }
            System.arraycopy(w, e + id * C, h, t * C, C);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            ParameterLayout.Layer lw = layout.layer(l);
            pfor(n, C, (a, z) -> Ops.rmsnormForward(h, 0, w, off(lw.inputNorm()), x, 0, rstd, a, z, C, eps));
            linear(l, Projection.Q, x, q, n);
            linear(l, Projection.K, x, k, n);
            linear(l, Projection.V, x, v, n);
            pfor(n, c.qDim() + c.kvDim(), (a, z) -> {
                Ops.rope(q, c.qDim(), c.numHeads(), c.headDim(), pos, 0, cos, sin, a, z, false);
                Ops.rope(k, c.kvDim(), c.numKvHeads(), c.headDim(), pos, 0, cos, sin, a, z, false);
            });
            int kvW = c.kvDim();
            for (int t = 0; t < n; t++) {
                System.arraycopy(k, t * kvW, seqOf[t].keys[l], pos[t] * kvW, kvW);
                System.arraycopy(v, t * kvW, seqOf[t].values[l], pos[t] * kvW, kvW);
            }
            attention(l, n);
            linear(l, Projection.O, att, o, n);
            for (int i = 0; i < n * C; i++) h[i] += o[i];
            pfor(n, C, (a, z) -> Ops.rmsnormForward(h, 0, w, off(lw.postNorm()), x, 0, rstd, a, z, C, eps));
            linear(l, Projection.GATE, x, gate, n);
            linear(l, Projection.UP, x, up, n);
            pfor(n * I, 8, (a, z) -> Ops.swigluForward(gate, up, gate, a, z));
            linear(l, Projection.DOWN, gate, o, n);
            for (int i = 0; i < n * C; i++) h[i] += o[i];
        }
        int m = wanted.length;
        float[][] result = new float[m][];
        if (m == 0) return result;
        for (int j = 0; j < m; j++) System.arraycopy(h, wanted[j] * C, x, j * C, C);
        pfor(m, C, (a, z) -> Ops.rmsnormForward(x, 0, w, off(layout.finalNorm()), x, 0, rstd, a, z, C, eps));
        int V = c.vocabSize();
        float[] logits = new float[m * V];
        Gemm.abt(m, V, C, x, 0, C, w, off(layout.lmHead()), C, logits, 0, V, false);
        for (int j = 0; j < m; j++) result[j] = Arrays.copyOfRange(logits, j * V, (j + 1) * V);
        return result;
    }

    /**
     * Causal attention of each new token over its own sequence's cache, one task per (token, KV group): the heads of
     * a group share K and V, so S[group × len] = Q_g·K_gᵀ and O_g = softmax(S)·V_g are two small GEMMs.
     */
    private void attention(int l, int n) {
        int hd = c.headDim();
        int group = c.numHeads() / c.numKvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        int qW = c.qDim(), kvW = c.kvDim();
        pfor(n * c.numKvHeads(), 4L * group * (pos[n - 1] + 1) * hd, (from, to) -> {
            for (int task = from; task < to; task++) {
                int t = task / c.numKvHeads(), g = task % c.numKvHeads();
                int len = pos[t] + 1;
                float[] s = scratch(group * len);
                Sequence seq = seqOf[t];
                int qOff = t * qW + g * group * hd;
                Gemm.multiply(Gemm.Layout.ABT, group, len, hd, q, qOff, hd, seq.keys[l], g * hd, kvW, s, 0, len,
                        false, null);
                for (int row = 0; row < group; row++) {
                    int si = row * len;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = si; j < si + len; j++) {
                        s[j] *= scale;
                        max = Math.max(max, s[j]);
                    }
                    float inv = 1f / FastExp.expInPlace(s, si, si + len, max);
                    for (int j = si; j < si + len; j++) s[j] *= inv;
                }
                Gemm.multiply(Gemm.Layout.AB, group, hd, len, s, 0, len, seq.values[l], g * hd, kvW, att, qOff, hd,
                        false, null);
            }
        });
    }

    private float[] scratch(int size) {
        float[][] holder = scores.get();
        if (holder[0].length < size) holder[0] = new float[Math.max(size, 2 * holder[0].length)];
        return holder[0];
    }

    /** y[n, out] = x·Wᵀ (+ b) (+ s·(x·Aᵀ)·Bᵀ when LoRA adapts this projection). */
    private void linear(int l, Projection p, float[] xin, float[] y, int n) {
        int in = p.in(c), out = p.out(c);
        ParameterLayout.Layer lw = layout.layer(l);
        Gemm.abt(n, out, in, xin, 0, in, w, off(lw.weight(p)), in, y, 0, out, false);
        TensorSlot bias = lw.bias(p);
        if (bias != null) {
            int bo = off(bias);
            for (int t = 0; t < n; t++) for (int j = 0; j < out; j++) y[t * out + j] += w[bo + j];
        }
        LoraLayout.Adapter a = loraLayout == null ? null : loraLayout.adapter(l, p);
        if (a == null) return;
        int r = loraLayout.config().rank();
        Gemm.abt(n, r, in, xin, 0, in, lora, off(a.a()), in, loraU, 0, r, false);
        for (int i = 0; i < n * r; i++) loraT[i] = loraScale * loraU[i];
        Gemm.abt(n, out, r, loraT, 0, r, lora, off(a.b()), r, y, 0, out, true);
    }

    private void pfor(int n, long costPerItem, Parallel.Range body) {
        if ((long) n * costPerItem < PARALLEL_MIN_WORK) body.run(0, n);
        else par.parallelFor(n, body);
    }

    private static int off(TensorSlot s) {
        return (int) s.offset();
    }
}
