package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.trainers.model.ModelConfig;

/**
 * {@code model_type: qwen2} (Qwen2, Qwen2.5): Llama tensors plus q/k/v biases (always present). HF defaults: no
 * bos/eos, context 32768.
 *
 * <pre>{@code
 * ModelConfig c = new Qwen2Family().readConfig(json, file);   // c.attentionBias() == true
 * }</pre>
 */
public final class Qwen2Family extends DecoderFamily {
    @Override
    public String modelType() {
        return "qwen2";
    }

    @Override
    public String architecture() {
        return "Qwen2ForCausalLM";
    }

    @Override
    protected int defaultMaxPositions() {
        return 32768;
    }

    @Override
    protected boolean attentionBias(ConfigFields f) {
        return true;
    }

    @Override
    protected void check(ConfigFields f, ModelConfig c) throws ModelFormatException {
        if (f.optionalBool("use_sliding_window", false)) {
            throw new ModelFormatException(f.file() + ": use_sliding_window true is not supported");
        }
    }

    @Override
    protected void writeExtras(ObjectNode n, ModelConfig c) {
        if (!c.attentionBias()) throw new IllegalArgumentException("a qwen2 config must have attention biases");
        n.put("use_sliding_window", false);
    }
}
