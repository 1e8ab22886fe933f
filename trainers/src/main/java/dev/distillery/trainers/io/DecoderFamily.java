package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ParameterLayout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What Llama, Mistral and Qwen2 configs share (they differ only in defaults, biases and a few refusals), so each
 * family class stays a handful of lines.
 */
abstract class DecoderFamily implements ModelFamily {

    private static final Pattern LAYER_BIAS = Pattern.compile("model\\.layers\\.\\d+\\..*\\.bias");

    /** HF's default {@code max_position_embeddings} for this family. */
    protected abstract int defaultMaxPositions();

    /** HF's default {@code bos_token_id}, or -1 when the family has none. */
    protected int defaultBos() {
        return -1;
    }

    /** HF's default {@code eos_token_id}, or empty. */
    protected List<Integer> defaultEos() {
        return List.of();
    }

    /** Whether q/k/v have biases; may refuse variants (throws). */
    protected abstract boolean attentionBias(ConfigFields f) throws ModelFormatException;

    /** Family-specific refusals. */
    protected void check(ConfigFields f, ModelConfig c) throws ModelFormatException {
    }

    /** Family-specific fields appended to the written config. */
    protected void writeExtras(ObjectNode node, ModelConfig c) {
    }

    @Override
    public ModelConfig readConfig(JsonNode json, Path file) throws ModelFormatException {
        ConfigFields f = new ConfigFields(json, file);
        if (f.present("rope_scaling")) {
            throw new ModelFormatException(file + ": rope_scaling " + json.get("rope_scaling")
                    + " is not supported yet (the trainer implements plain RoPE only)");
        }
        String act = f.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new ModelFormatException(file + ": hidden_act '" + act + "' is not supported (only silu)");
        }
        int hidden = f.requiredInt("hidden_size");
        int heads = f.requiredInt("num_attention_heads");
        int headDim;
        if (f.present("head_dim")) {
            headDim = f.requiredInt("head_dim");
        } else {
            if (heads <= 0 || hidden % heads != 0) {
                throw new ModelFormatException(file + ": hidden_size " + hidden + " is not a multiple of num_attention_heads "
                        + heads + " and no head_dim is given");
            }
            headDim = hidden / heads;
        }
        List<Integer> eos = f.present("eos_token_id") ? f.intOrList("eos_token_id") : defaultEos();
        ModelConfig c;
        try {
            c = new ModelConfig(modelType(), f.requiredInt("vocab_size"), hidden, f.requiredInt("intermediate_size"),
                    f.requiredInt("num_hidden_layers"), heads, f.optionalInt("num_key_value_heads", heads), headDim,
                    f.optionalDouble("rms_norm_eps", 1e-6), f.optionalDouble("rope_theta", 10000.0),
                    f.optionalInt("max_position_embeddings", defaultMaxPositions()),
                    f.optionalBool("tie_word_embeddings", false), attentionBias(f),
                    f.present("bos_token_id") ? f.requiredInt("bos_token_id") : defaultBos(), eos);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
        check(f, c);
        return c;
    }

    @Override
    public ObjectNode writeConfig(ModelConfig c) {
        if (!c.modelType().equals(modelType())) {
            throw new IllegalArgumentException("config is model_type '" + c.modelType() + "', not " + modelType());
        }
        ObjectNode n = Safetensors.JSON.createObjectNode();
        n.putArray("architectures").add(architecture());
        n.put("model_type", modelType());
        n.put("vocab_size", c.vocabSize());
        n.put("hidden_size", c.hiddenSize());
        n.put("intermediate_size", c.intermediateSize());
        n.put("num_hidden_layers", c.numLayers());
        n.put("num_attention_heads", c.numHeads());
        n.put("num_key_value_heads", c.numKvHeads());
        n.put("head_dim", c.headDim());
        n.put("hidden_act", "silu");
        n.put("max_position_embeddings", c.maxPositionEmbeddings());
        n.put("rms_norm_eps", c.rmsNormEps());
        n.put("rope_theta", c.ropeTheta());
        n.put("tie_word_embeddings", c.tieWordEmbeddings());
        if (c.bosTokenId() >= 0) n.put("bos_token_id", c.bosTokenId());
        // A single id is written as an int: Jlama's Qwen2/Mistral configs accept only that form.
        if (c.eosTokenIds().size() == 1) {
            n.put("eos_token_id", c.eosTokenIds().get(0));
        } else if (!c.eosTokenIds().isEmpty()) {
            ArrayNode a = n.putArray("eos_token_id");
            c.eosTokenIds().forEach(a::add);
        }
        writeExtras(n, c);
        return n;
    }

    @Override
    public void validateTensors(ModelConfig config, Collection<String> names, Path dir) throws ModelFormatException {
        // Ignoring a bias the config does not know would silently load a different model than the checkpoint's.
        ParameterLayout layout = ParameterLayout.of(config);
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            if (LAYER_BIAS.matcher(n).matches() && layout.get(n) == null) unknown.add(n);
        }
        if (!unknown.isEmpty()) {
            throw new ModelFormatException(dir + ": tensor '" + unknown.get(0) + "'" + (unknown.size() > 1
                    ? " (and " + (unknown.size() - 1) + " more bias tensors)" : "") + " is a bias that a " + modelType()
                    + " model with this config.json does not have; this variant is not supported");
        }
    }
}
