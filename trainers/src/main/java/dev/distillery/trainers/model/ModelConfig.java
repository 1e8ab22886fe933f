package dev.distillery.trainers.model;

import java.util.List;
import java.util.Objects;

/**
 * The shape of a Llama-family decoder, as read from a Hugging Face {@code config.json}.
 *
 * <pre>{@code
 * ModelConfig tiny = ModelConfig.llama(300, 64, 172, 2, 4, 2);   // vocab, hidden, intermediate, layers, heads, kv heads
 * }</pre>
 *
 * @param modelType             {@code llama}, {@code mistral} or {@code qwen2} (the {@code model_type} field)
 * @param vocabSize             V
 * @param hiddenSize            C
 * @param intermediateSize      I (SwiGLU width)
 * @param numLayers             L
 * @param numHeads              query heads
 * @param numKvHeads            key/value heads (grouped-query attention); divides {@code numHeads}
 * @param headDim               per-head width; {@code hiddenSize / numHeads} unless the config says otherwise
 * @param rmsNormEps            RMSNorm epsilon
 * @param ropeTheta             RoPE base
 * @param maxPositionEmbeddings context length
 * @param tieWordEmbeddings     the LM head reuses the embedding matrix
 * @param attentionBias         q/k/v projections have biases (Qwen2)
 * @param bosTokenId            beginning-of-sequence id, or -1
 * @param eosTokenIds           end-of-sequence ids (generation stops on any)
 */
public record ModelConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numLayers,
                          int numHeads, int numKvHeads, int headDim, double rmsNormEps, double ropeTheta,
                          int maxPositionEmbeddings, boolean tieWordEmbeddings, boolean attentionBias,
                          int bosTokenId, List<Integer> eosTokenIds) {

    public ModelConfig {
        Objects.requireNonNull(modelType, "modelType");
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
        require(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
        require(hiddenSize > 0, "hidden_size must be > 0, got " + hiddenSize);
        require(intermediateSize > 0, "intermediate_size must be > 0, got " + intermediateSize);
        require(numLayers > 0, "num_hidden_layers must be > 0, got " + numLayers);
        require(numHeads > 0 && numKvHeads > 0 && numHeads % numKvHeads == 0,
                "num_attention_heads (" + numHeads + ") must be a positive multiple of num_key_value_heads (" + numKvHeads + ")");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be even and > 0 (rotate-half RoPE), got " + headDim);
        require(maxPositionEmbeddings > 0, "max_position_embeddings must be > 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** A Llama config with HF defaults for the rest (eps 1e-5, theta 10000, context 2048, untied). */
    public static ModelConfig llama(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads) {
        return new ModelConfig("llama", vocab, hidden, intermediate, layers, heads, kvHeads, hidden / heads, 1e-5,
                10000.0, 2048, false, false, -1, List.of());
    }

    /** Width of all query heads together: {@code numHeads * headDim}. */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Width of all key (or value) heads together: {@code numKvHeads * headDim}. */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    public ModelConfig withTiedEmbeddings(boolean tied) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                headDim, rmsNormEps, ropeTheta, maxPositionEmbeddings, tied, attentionBias, bosTokenId, eosTokenIds);
    }

    public ModelConfig withAttentionBias(boolean bias) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                headDim, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, bias, bosTokenId, eosTokenIds);
    }
}
