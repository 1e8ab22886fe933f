package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.trainers.model.ModelConfig;

import java.util.List;

/**
 * {@code model_type: mistral}. Same tensors as Llama; HF defaults: bos 1, eos 2, context 131072.
 *
 * <pre>{@code
 * ModelConfig c = new MistralFamily().readConfig(json, file);
 * }</pre>
 */
public final class MistralFamily extends DecoderFamily {
    @Override
    public String modelType() {
        return "mistral";
    }

    @Override
    public String architecture() {
        return "MistralForCausalLM";
    }

    @Override
    protected int defaultMaxPositions() {
        return 4096 * 32;
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
    protected boolean attentionBias(ConfigFields f) {
        return false;
    }

    @Override
    protected void check(ConfigFields f, ModelConfig c) throws ModelFormatException {
        // Sliding-window attention only differs from full attention on sequences longer than the window; the trainer
        // attends fully, so it is exact up to the window and we say so rather than refuse Mistral-7B-v0.1.
        int window = f.optionalInt("sliding_window", Integer.MAX_VALUE);
        if (window < c.maxPositionEmbeddings()) {
            System.getLogger(MistralFamily.class.getName()).log(System.Logger.Level.WARNING,
                    "{0}: sliding_window {1} is not implemented; sequences longer than it will attend fully",
                    f.file(), window);
        }
    }

    @Override
    protected void writeExtras(ObjectNode n, ModelConfig c) {
        if (c.attentionBias()) throw new IllegalArgumentException("a mistral config cannot have attention biases");
        n.putNull("sliding_window");
    }
}
