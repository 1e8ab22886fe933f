package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.trainers.model.ModelConfig;

import java.util.List;

/**
 * {@code model_type: llama} (Llama 1/2/3, TinyLlama, SmolLM). HF defaults: bos 1, eos 2, context 2048.
 *
 * <pre>{@code
 * ModelConfig c = new LlamaFamily().readConfig(json, file);
 * }</pre>
 */
public final class LlamaFamily extends DecoderFamily {
    @Override
    public String modelType() {
        return "llama";
    }

    @Override
    public String architecture() {
        return "LlamaForCausalLM";
    }

    @Override
    protected int defaultMaxPositions() {
        return 2048;
    }

    @Override
    protected int defaultBos() {
        return 1;
    }

    @Override
    protected List<Integer> defaultEos() {
        return List.of(2);
    }

    @Override
    protected boolean attentionBias(ConfigFields f) throws ModelFormatException {
        // HF Llama's attention_bias also puts a bias on o_proj, and mlp_bias on all MLP projections: neither has a slot.
        if (f.optionalBool("attention_bias", false)) {
            throw new ModelFormatException(f.file() + ": attention_bias true is not supported for llama (o_proj bias)");
        }
        if (f.optionalBool("mlp_bias", false)) {
            throw new ModelFormatException(f.file() + ": mlp_bias true is not supported");
        }
        return false;
    }

    @Override
    protected void writeExtras(ObjectNode n, ModelConfig c) {
        if (c.attentionBias()) throw new IllegalArgumentException("a llama config cannot have q/k/v-only biases");
        n.put("attention_bias", false);
        n.put("mlp_bias", false);
    }
}
