package dev.distillery.trainers.reference;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ParameterLayout;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.model.TensorSlot;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The float64 reference implementation of a Hugging Face Llama / Mistral / Qwen2 decoder with optional LoRA: a slow,
 * obviously-correct oracle for the fast float32 engine (gradient checks in tests, parity checks at load time).
 * Plain loops, one row at a time, everything the backward needs kept from the last {@link #forward}.
 *
 * <p>The model reads {@code base} and {@code lora} live (no copy): writing into them changes the next forward, which is
 * what finite-difference checks rely on. Gradients are accumulated ({@code +=}) into caller-owned buffers in the
 * same layouts.
 *
 * <pre>{@code
 * ReferenceModel m = new ReferenceModel(config, base, loraLayout, lora);  // or new ReferenceModel(config, base)
 * SequenceScores s = m.forward(batch);
 * double[] dLora = new double[loraLayout.size()];
 * m.backward(ReferenceModel.sftUpstream(s), null, dLora);              // SFT token-mean loss, base frozen
 * }</pre>
 */
public final class ReferenceModel {

    /** What one decoder layer saves for its backward, for one row of T tokens. */
    private static final class LayerCache {
        double[][] hIn;                 // [T][C] layer input (residual stream)
        double[] r1;                    // [T] rstd of the input norm
        double[][] n1, x1;              // [T][C] normalised / weighted input-norm output
        double[][] q, k, v;             // [T][nh·hd], [T][nkv·hd] x2; q and k after RoPE
        double[][][] probs;             // [nh][T][T] attention probabilities
        double[][] att;                 // [T][nh·hd] attention output before o_proj
        double[][] hMid;                // [T][C] residual after attention
        double[] r2;                    // [T]
        double[][] n2, x2;              // [T][C]
        double[][] gate, up, act;       // [T][I] gate / up pre-activations, silu(gate) ⊙ up
        final Map<Projection, double[][]> loraU = new EnumMap<>(Projection.class); // [T][r] u = x·Aᵀ
    }

    /** Everything one row saves: per-layer caches plus the final norm. */
    private static final class RowCache {
        LayerCache[] layers;
        double[] rf;                    // [T]
        double[][] nf, xf;              // [T][C] final norm: normalised, weighted (the LM head's input)
    }

    private final ModelConfig config;
    private final ParameterLayout layout;
    private final double[] base;
    private final LoraLayout loraLayout;
    private final double[] lora;
    private final double loraScale;

    private Batch lastBatch;
    private RowCache[] lastRows;

    /** A model without LoRA. */
    public ReferenceModel(ModelConfig config, double[] base) {
        this(config, base, null, null);
    }

    /**
     * @param base       weights in {@link ParameterLayout} order, read live
     * @param loraLayout adapters and their settings (scale α/r or α/√r); null for none. Dropout is not applied.
     * @param lora       adapter weights in {@code loraLayout} order, read live; null exactly when loraLayout is
     */
    public ReferenceModel(ModelConfig config, double[] base, LoraLayout loraLayout, double[] lora) {
        this.config = Objects.requireNonNull(config, "config");
        this.layout = ParameterLayout.of(config);
        this.base = Objects.requireNonNull(base, "base");
        if (base.length != layout.size()) {
            throw new IllegalArgumentException("base holds " + base.length + " values, layout needs " + layout.size());
        }
        if ((loraLayout == null) != (lora == null)) {
            throw new IllegalArgumentException("LoRA layout and LoRA weights must be given together");
        }
        if (loraLayout != null && lora.length != loraLayout.size()) {
            throw new IllegalArgumentException("lora holds " + lora.length + " values, layout needs " + loraLayout.size());
        }
        this.loraLayout = loraLayout;
        this.lora = lora;
        this.loraScale = loraLayout == null ? 0 : loraLayout.config().scale();
    }

    public ParameterLayout layout() {
        return layout;
    }

    // =================================================================================================================
    // Public API

    /** Full forward of every row; keeps what {@link #backward} needs. */
    public SequenceScores forward(Batch b) {
        validate(b);
        int seqLen = b.seqLen();
        RowCache[] rows = new RowCache[b.rows()];
        double[] logProb = new double[b.rows()];
        int[] count = new int[b.rows()];
        for (int r = 0; r < b.rows(); r++) {
            rows[r] = runRow(b, r);
            // HF shift: the logits at t are scored against labels[t + 1]
            for (int t = 0; t + 1 < seqLen; t++) {
                int label = b.labels()[r * seqLen + t + 1];
                if (label == Batch.IGNORE) continue;
                logProb[r] += Ops.logProb(lmHead(rows[r].xf[t]), label);
                count[r]++;
            }
        }
        lastBatch = b;
        lastRows = rows;
        return new SequenceScores(logProb, count);
    }

    /**
     * Back-propagates {@code dLogProb[row] = dLoss/dlogProb[row]} through the last {@link #forward}.
     *
     * @param dBase gradient of the base weights, accumulated; null when the base is frozen
     * @param dLora gradient of the LoRA weights, accumulated; null when there is no LoRA (or it is frozen)
     */
    public void backward(double[] dLogProb, double[] dBase, double[] dLora) {
        if (lastBatch == null) throw new IllegalStateException("backward needs a forward first");
        if (dLogProb.length != lastBatch.rows()) {
            throw new IllegalArgumentException("dLogProb has " + dLogProb.length + " rows, batch " + lastBatch.rows());
        }
        if (dBase != null && dBase.length != layout.size()) {
            throw new IllegalArgumentException("dBase holds " + dBase.length + ", layout needs " + layout.size());
        }
        if (dLora != null && (loraLayout == null || dLora.length != loraLayout.size())) {
            throw new IllegalArgumentException("dLora does not match the LoRA layout");
        }
        for (int r = 0; r < lastBatch.rows(); r++) backwardRow(lastBatch, r, lastRows[r], dLogProb[r], dBase, dLora);
    }

    /** The {@code [V]} logits at position {@code t} of {@code row} (a fresh forward of that row; the cache is kept). */
    public double[] logits(Batch b, int row, int t) {
        validate(b);
        Objects.checkIndex(row, b.rows());
        Objects.checkIndex(t, b.seqLen());
        return lmHead(runRow(b, row).xf[t]);
    }

    /** SFT token-mean loss {@code −Σ logProb / Σ count} (runs {@link #forward}, so a backward may follow). */
    public double sftLoss(Batch b) {
        SequenceScores s = forward(b);
        if (s.totalCount() == 0) throw new IllegalArgumentException("batch has no scored targets");
        return -s.totalLogProb() / s.totalCount();
    }

    /** The upstream gradient of the SFT token-mean loss: {@code −1 / Σ count} for every row. */
    public static double[] sftUpstream(SequenceScores s) {
        double[] d = new double[s.rows()];
        java.util.Arrays.fill(d, -1.0 / s.totalCount());
        return d;
    }

    // =================================================================================================================
    // Forward of one row

    private RowCache runRow(Batch b, int row) {
        ModelConfig c = config;
        int seqLen = b.seqLen();
        int hidden = c.hiddenSize();
        int hd = c.headDim();
        int[] pos = rowPositions(b, row);
        RowCache rc = new RowCache();
        rc.layers = new LayerCache[c.numLayers()];

        // h = E[ids]
        double[][] h = new double[seqLen][hidden];
        int embed = off(layout.embed());
        for (int t = 0; t < seqLen; t++) {
            System.arraycopy(base, embed + b.inputIds()[row * seqLen + t] * hidden, h[t], 0, hidden);
        }

        for (int l = 0; l < c.numLayers(); l++) {
            ParameterLayout.Layer w = layout.layer(l);
            LayerCache lc = new LayerCache();
            rc.layers[l] = lc;
            lc.hIn = h;

            // attention block: x = RMSNorm(h), q/k/v, RoPE, attention, o_proj, residual
            lc.r1 = new double[seqLen];
            lc.n1 = new double[seqLen][hidden];
            lc.x1 = new double[seqLen][hidden];
            for (int t = 0; t < seqLen; t++) {
                lc.r1[t] = Ops.rmsNorm(h[t], base, off(w.inputNorm()), c.rmsNormEps(), lc.n1[t], lc.x1[t]);
            }
            lc.q = project(l, Projection.Q, lc.x1, lc);
            lc.k = project(l, Projection.K, lc.x1, lc);
            lc.v = project(l, Projection.V, lc.x1, lc);
            for (int t = 0; t < seqLen; t++) {
                for (int j = 0; j < c.numHeads(); j++) Ops.rope(lc.q[t], j * hd, hd, pos[t], c.ropeTheta(), false);
                for (int g = 0; g < c.numKvHeads(); g++) Ops.rope(lc.k[t], g * hd, hd, pos[t], c.ropeTheta(), false);
            }
            lc.probs = new double[c.numHeads()][seqLen][seqLen];
            lc.att = new double[seqLen][c.qDim()];
            Ops.attention(lc.q, lc.k, lc.v, pos, c.numHeads(), c.numKvHeads(), hd, lc.att, lc.probs);
            double[][] attOut = project(l, Projection.O, lc.att, lc);
            lc.hMid = add(h, attOut);

            // MLP block: x = RMSNorm(h), down(silu(gate(x)) ⊙ up(x)), residual
            lc.r2 = new double[seqLen];
            lc.n2 = new double[seqLen][hidden];
            lc.x2 = new double[seqLen][hidden];
            for (int t = 0; t < seqLen; t++) {
                lc.r2[t] = Ops.rmsNorm(lc.hMid[t], base, off(w.postNorm()), c.rmsNormEps(), lc.n2[t], lc.x2[t]);
            }
            lc.gate = project(l, Projection.GATE, lc.x2, lc);
            lc.up = project(l, Projection.UP, lc.x2, lc);
            lc.act = new double[seqLen][c.intermediateSize()];
            for (int t = 0; t < seqLen; t++) Ops.swiglu(lc.gate[t], lc.up[t], lc.act[t]);
            double[][] mlpOut = project(l, Projection.DOWN, lc.act, lc);
            h = add(lc.hMid, mlpOut);
        }

        rc.rf = new double[seqLen];
        rc.nf = new double[seqLen][hidden];
        rc.xf = new double[seqLen][hidden];
        for (int t = 0; t < seqLen; t++) {
            rc.rf[t] = Ops.rmsNorm(h[t], base, off(layout.finalNorm()), c.rmsNormEps(), rc.nf[t], rc.xf[t]);
        }
        return rc;
    }

    /** {@code y = x·Wᵀ (+ b) + s·(x·Aᵀ)·Bᵀ} for every token; saves the LoRA {@code u = x·Aᵀ} in {@code lc}. */
    private double[][] project(int l, Projection p, double[][] x, LayerCache lc) {
        int out = p.out(config);
        int in = p.in(config);
        TensorSlot w = layout.layer(l).weight(p);
        TensorSlot bias = layout.layer(l).bias(p);
        LoraLayout.Adapter adapter = loraLayout == null ? null : loraLayout.adapter(l, p);
        double[][] y = new double[x.length][out];
        double[][] u = adapter == null ? null : new double[x.length][loraLayout.config().rank()];
        double[] delta = new double[out];
        for (int t = 0; t < x.length; t++) {
            Ops.linear(x[t], base, off(w), out, in, y[t]);
            if (bias != null) for (int o = 0; o < out; o++) y[t][o] += base[off(bias) + o];
            if (adapter != null) {
                int rank = u[t].length;
                Ops.linear(x[t], lora, off(adapter.a()), rank, in, u[t]);
                Ops.linear(u[t], lora, off(adapter.b()), out, rank, delta);
                for (int o = 0; o < out; o++) y[t][o] += loraScale * delta[o];
            }
        }
        if (adapter != null) lc.loraU.put(p, u);
        return y;
    }

    private double[] lmHead(double[] xf) {
        double[] z = new double[config.vocabSize()];
        Ops.linear(xf, base, off(layout.lmHead()), config.vocabSize(), config.hiddenSize(), z);
        return z;
    }

    // =================================================================================================================
    // Backward of one row: the forward's steps in exact reverse order

    private void backwardRow(Batch b, int row, RowCache rc, double dLogProb, double[] dBase, double[] dLora) {
        ModelConfig c = config;
        int seqLen = b.seqLen();
        int hidden = c.hiddenSize();
        int hd = c.headDim();
        int[] pos = rowPositions(b, row);

        // LM head + log-softmax at every scored position; tied heads land on the embedding slot through lmHead()
        int head = off(layout.lmHead());
        double[][] dxf = new double[seqLen][hidden];
        for (int t = 0; t + 1 < seqLen; t++) {
            int label = b.labels()[row * seqLen + t + 1];
            if (label == Batch.IGNORE) continue;
            double[] dz = new double[c.vocabSize()];
            Ops.logProbBackward(lmHead(rc.xf[t]), label, dLogProb, dz);
            Ops.linearBackward(dz, rc.xf[t], base, head, c.vocabSize(), hidden, dxf[t], dBase, head);
        }

        // final norm
        double[][] dh = new double[seqLen][hidden];
        int fn = off(layout.finalNorm());
        for (int t = 0; t < seqLen; t++) Ops.rmsNormBackward(dxf[t], rc.nf[t], rc.rf[t], base, fn, dh[t], dBase, fn);

        for (int l = c.numLayers() - 1; l >= 0; l--) {
            ParameterLayout.Layer w = layout.layer(l);
            LayerCache lc = rc.layers[l];

            // MLP block: h = hMid + down(act); dh reaches hMid directly and through the branch
            double[][] dAct = new double[seqLen][c.intermediateSize()];
            projectBackward(l, Projection.DOWN, lc.act, dh, dAct, lc, dBase, dLora);
            double[][] dGate = new double[seqLen][c.intermediateSize()];
            double[][] dUp = new double[seqLen][c.intermediateSize()];
            for (int t = 0; t < seqLen; t++) Ops.swigluBackward(dAct[t], lc.gate[t], lc.up[t], dGate[t], dUp[t]);
            double[][] dx2 = new double[seqLen][hidden];
            projectBackward(l, Projection.GATE, lc.x2, dGate, dx2, lc, dBase, dLora);
            projectBackward(l, Projection.UP, lc.x2, dUp, dx2, lc, dBase, dLora);
            double[][] dhMid = copy(dh);
            int post = off(w.postNorm());
            for (int t = 0; t < seqLen; t++) {
                Ops.rmsNormBackward(dx2[t], lc.n2[t], lc.r2[t], base, post, dhMid[t], dBase, post);
            }

            // attention block: hMid = hIn + o_proj(attention(rope(q), rope(k), v))
            double[][] dAtt = new double[seqLen][c.qDim()];
            projectBackward(l, Projection.O, lc.att, dhMid, dAtt, lc, dBase, dLora);
            double[][] dq = new double[seqLen][c.qDim()];
            double[][] dk = new double[seqLen][c.kvDim()];
            double[][] dv = new double[seqLen][c.kvDim()];
            Ops.attentionBackward(dAtt, lc.q, lc.k, lc.v, lc.probs, pos, c.numHeads(), c.numKvHeads(), hd, dq, dk, dv);
            for (int t = 0; t < seqLen; t++) {
                for (int j = 0; j < c.numHeads(); j++) Ops.rope(dq[t], j * hd, hd, pos[t], c.ropeTheta(), true);
                for (int g = 0; g < c.numKvHeads(); g++) Ops.rope(dk[t], g * hd, hd, pos[t], c.ropeTheta(), true);
            }
            double[][] dx1 = new double[seqLen][hidden];
            projectBackward(l, Projection.Q, lc.x1, dq, dx1, lc, dBase, dLora);
            projectBackward(l, Projection.K, lc.x1, dk, dx1, lc, dBase, dLora);
            projectBackward(l, Projection.V, lc.x1, dv, dx1, lc, dBase, dLora);
            double[][] dhIn = copy(dhMid);
            int in = off(w.inputNorm());
            for (int t = 0; t < seqLen; t++) {
                Ops.rmsNormBackward(dx1[t], lc.n1[t], lc.r1[t], base, in, dhIn[t], dBase, in);
            }
            dh = dhIn;
        }

        // embedding: dE[id] += dh
        if (dBase != null) {
            int embed = off(layout.embed());
            for (int t = 0; t < seqLen; t++) {
                int id = b.inputIds()[row * seqLen + t];
                for (int i = 0; i < hidden; i++) dBase[embed + id * hidden + i] += dh[t][i];
            }
        }
    }

    /**
     * Backward of {@link #project}: {@code dx += dy·W + du·A} with {@code du = s·dy·B}; {@code dW += dyᵀ·x},
     * {@code db += Σ dy} (when dBase is not null); {@code dB += s·dyᵀ·u}, {@code dA += duᵀ·x} (when dLora is not
     * null).
     */
    private void projectBackward(int l, Projection p, double[][] x, double[][] dy, double[][] dx, LayerCache lc,
                                 double[] dBase, double[] dLora) {
        int out = p.out(config);
        int in = p.in(config);
        TensorSlot w = layout.layer(l).weight(p);
        TensorSlot bias = layout.layer(l).bias(p);
        LoraLayout.Adapter adapter = loraLayout == null ? null : loraLayout.adapter(l, p);
        double[][] u = adapter == null ? null : lc.loraU.get(p);
        for (int t = 0; t < x.length; t++) {
            Ops.linearBackward(dy[t], x[t], base, off(w), out, in, dx[t], dBase, off(w));
            if (bias != null && dBase != null) for (int o = 0; o < out; o++) dBase[off(bias) + o] += dy[t][o];
            if (adapter != null) {
                int rank = u[t].length;
                double[] sdy = new double[out];
                for (int o = 0; o < out; o++) sdy[o] = loraScale * dy[t][o];
                double[] du = new double[rank];
                Ops.linearBackward(sdy, u[t], lora, off(adapter.b()), out, rank, du, dLora, off(adapter.b()));
                Ops.linearBackward(du, x[t], lora, off(adapter.a()), rank, in, dx[t], dLora, off(adapter.a()));
            }
        }
    }

    // =================================================================================================================
    // Helpers

    private void validate(Batch b) {
        int v = config.vocabSize();
        for (int i = 0; i < b.inputIds().length; i++) {
            int id = b.inputIds()[i];
            if (id < 0 || id >= v) throw new IllegalArgumentException("token id " + id + " at " + i + " outside [0, " + v + ")");
            int label = b.labels()[i];
            if (label != Batch.IGNORE && (label < 0 || label >= v)) {
                throw new IllegalArgumentException("label " + label + " at " + i + " outside [0, " + v + ") and not -100");
            }
        }
    }

    private static int[] rowPositions(Batch b, int row) {
        int[] pos = new int[b.seqLen()];
        System.arraycopy(b.positions(), row * b.seqLen(), pos, 0, b.seqLen());
        return pos;
    }

    private static int off(TensorSlot s) {
        return (int) s.offset();
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int t = 0; t < a.length; t++) {
            y[t] = new double[a[t].length];
            for (int i = 0; i < a[t].length; i++) y[t][i] = a[t][i] + b[t][i];
        }
        return y;
    }

    private static double[][] copy(double[][] a) {
        double[][] y = new double[a.length][];
        for (int t = 0; t < a.length; t++) y[t] = a[t].clone();
        return y;
    }
}
