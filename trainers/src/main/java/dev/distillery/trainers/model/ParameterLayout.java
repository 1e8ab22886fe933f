package dev.distillery.trainers.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All base-model tensors of a {@link ModelConfig} laid out in one flat buffer (llm.c style): one allocation for
 * weights, one for their gradients, one per optimizer moment; checkpoints and memory accounting become trivial.
 * Order: embedding, then per layer input norm, q, k, v (+ biases), o, post-attention norm, gate, up, down; final norm;
 * LM head unless tied (then {@link #lmHead()} is the embedding slot).
 *
 * <pre>{@code
 * ParameterLayout layout = ParameterLayout.of(config);
 * float[] weights = new float[layout.size()];
 * TensorSlot q0 = layout.layer(0).weight(Projection.Q);
 * }</pre>
 */
public final class ParameterLayout {

    /**
     * The tensors of one decoder layer.
     *
     * @param bias q/k/v biases (Qwen2), absent otherwise
     */
    public record Layer(TensorSlot inputNorm, Map<Projection, TensorSlot> weights, Map<Projection, TensorSlot> bias,
                        TensorSlot postNorm) {
        public TensorSlot weight(Projection p) {
            return weights.get(p);
        }

        /** The bias of {@code p}, or null when it has none. */
        public TensorSlot bias(Projection p) {
            return bias.get(p);
        }
    }

    private final ModelConfig config;
    private final Map<String, TensorSlot> byName = new LinkedHashMap<>();
    private final List<Layer> layers = new ArrayList<>();
    private final TensorSlot embed;
    private final TensorSlot finalNorm;
    private final TensorSlot lmHead;
    private long size;

    private ParameterLayout(ModelConfig c) {
        this.config = c;
        embed = add("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
        for (int i = 0; i < c.numLayers(); i++) {
            TensorSlot in = add("model.layers." + i + ".input_layernorm.weight", c.hiddenSize());
            Map<Projection, TensorSlot> w = new EnumMap<>(Projection.class);
            Map<Projection, TensorSlot> b = new EnumMap<>(Projection.class);
            for (Projection p : List.of(Projection.Q, Projection.K, Projection.V)) {
                w.put(p, add(p.path(i) + ".weight", p.out(c), p.in(c)));
                if (c.attentionBias()) b.put(p, add(p.path(i) + ".bias", p.out(c)));
            }
            w.put(Projection.O, add(Projection.O.path(i) + ".weight", Projection.O.out(c), Projection.O.in(c)));
            TensorSlot post = add("model.layers." + i + ".post_attention_layernorm.weight", c.hiddenSize());
            for (Projection p : List.of(Projection.GATE, Projection.UP, Projection.DOWN)) {
                w.put(p, add(p.path(i) + ".weight", p.out(c), p.in(c)));
            }
            layers.add(new Layer(in, Collections.unmodifiableMap(w), Collections.unmodifiableMap(b), post));
        }
        finalNorm = add("model.norm.weight", c.hiddenSize());
        lmHead = c.tieWordEmbeddings() ? embed : add("lm_head.weight", c.vocabSize(), c.hiddenSize());
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("model has " + size + " parameters; the trainer's flat buffers hold at "
                    + "most 2^31 - 16 (about 2.1B parameters)");
        }
    }

    public static ParameterLayout of(ModelConfig config) {
        return new ParameterLayout(config);
    }

    private TensorSlot add(String name, int... shape) {
        TensorSlot s = new TensorSlot(name, size, shape);
        byName.put(name, s);
        size += s.size();
        return s;
    }

    public ModelConfig config() {
        return config;
    }

    /** Total number of floats. */
    public int size() {
        return (int) size;
    }

    /** Every tensor in buffer order (the LM head only when untied). */
    public List<TensorSlot> tensors() {
        return List.copyOf(byName.values());
    }

    /** The slot called {@code name}, or null. */
    public TensorSlot get(String name) {
        return byName.get(name);
    }

    public TensorSlot embed() {
        return embed;
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    public TensorSlot finalNorm() {
        return finalNorm;
    }

    /** The LM head; the embedding slot itself when embeddings are tied. */
    public TensorSlot lmHead() {
        return lmHead;
    }
}
