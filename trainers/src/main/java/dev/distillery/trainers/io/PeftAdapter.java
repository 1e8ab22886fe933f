package dev.distillery.trainers.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.trainers.model.LoraConfig;
import dev.distillery.trainers.model.LoraLayout;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.Projection;
import dev.distillery.trainers.model.TensorSlot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PEFT LoRA adapter directory ({@code adapter_config.json} + {@code adapter_model.safetensors}, the layout
 * {@code PeftModel.from_pretrained} loads), and merging an adapter into base weights.
 *
 * <pre>{@code
 * PeftAdapter.write(dir, loraLayout, loraWeights, "HuggingFaceTB/SmolLM-135M");
 * PeftAdapter.Loaded a = PeftAdapter.read(dir, baseConfig);
 * ModelWeights merged = PeftAdapter.merge(base, a.layout(), a.weights());
 * }</pre>
 */
public final class PeftAdapter {

    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private PeftAdapter() {
    }

    /**
     * An adapter read from disk.
     *
     * @param weights the A/B matrices in {@code layout} order
     * @param baseModel {@code base_model_name_or_path}, possibly empty
     */
    public record Loaded(LoraConfig config, LoraLayout layout, float[] weights, String baseModel) {
    }

    /**
     * Writes {@code weights} (in {@code layout} order) as float32. The directory appears atomically; an existing
     * non-empty one is refused.
     */
    public static void write(Path dir, LoraLayout layout, float[] weights, String baseModelNameOrPath) throws IOException {
        if (weights.length != layout.size()) {
            throw new IllegalArgumentException("LoRA weights hold " + weights.length + " floats, layout needs " + layout.size());
        }
        LoraConfig c = layout.config();
        ObjectNode json = Safetensors.JSON.createObjectNode();
        json.put("peft_type", "LORA");
        json.put("task_type", "CAUSAL_LM");
        json.put("base_model_name_or_path", baseModelNameOrPath == null ? "" : baseModelNameOrPath);
        json.put("r", c.rank());
        json.put("lora_alpha", c.alpha());
        json.put("lora_dropout", c.dropout());
        ArrayNode targets = json.putArray("target_modules");
        c.targetModules().forEach(targets::add);
        json.put("bias", "none");
        json.put("use_rslora", c.rslora());
        json.put("fan_in_fan_out", false);
        json.put("init_lora_weights", true);
        json.put("inference_mode", true);
        json.putNull("modules_to_save");
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        for (TensorSlot s : layout.tensors()) tensors.add(new Safetensors.Tensor(s.name(), s.shape(), weights, s.offset()));
        AtomicDirectory.publish(dir, tmp -> {
            Safetensors.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(CONFIG_FILE).toFile(), json);
            Safetensors.write(tmp.resolve(WEIGHTS_FILE), tensors, DType.F32, Map.of("format", "pt"));
        });
    }

    /**
     * Reads an adapter for a base model of shape {@code base}. Every tensor must be exactly one of the
     * {@link LoraLayout} names with the expected shape: an unknown tensor would be silently dropped otherwise.
     */
    public static Loaded read(Path dir, ModelConfig base) throws IOException {
        Path cfgFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(cfgFile)) throw new ModelFormatException(dir + ": no " + CONFIG_FILE);
        JsonNode json;
        try {
            json = Safetensors.JSON.readTree(cfgFile.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(cfgFile + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (json == null || !json.isObject()) throw new ModelFormatException(cfgFile + ": not a JSON object");
        LoraConfig config = parseConfig(json, cfgFile);
        LoraLayout layout = LoraLayout.of(base, config);
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(dir + ": no " + WEIGHTS_FILE + " (adapter_model.bin is not supported)");
        }
        float[] weights = new float[layout.size()];
        try (Safetensors.Reader r = Safetensors.open(file)) {
            for (Safetensors.TensorInfo t : r.tensors()) {
                if (layout.get(t.name()) == null) {
                    throw new ModelFormatException(file + ": unexpected tensor '" + t.name() + "' (target_modules "
                            + config.targetModules() + ", " + base.numLayers() + " layers)");
                }
            }
            for (TensorSlot s : layout.tensors()) {
                Safetensors.TensorInfo t = r.info(s.name());
                if (t == null) throw new ModelFormatException(file + ": missing tensor '" + s.name() + "'");
                if (!t.hasShape(s.shape())) {
                    throw new ModelFormatException(file + ": tensor '" + s.name() + "' has shape " + t.shapeString()
                            + " but r=" + config.rank() + " and the base config imply " + Arrays.toString(s.shape()));
                }
                r.read(s.name(), weights, s.offset());
            }
        }
        JsonNode bm = json.get("base_model_name_or_path");
        return new Loaded(config, layout, weights, bm == null || bm.isNull() ? "" : bm.asText());
    }

    private static LoraConfig parseConfig(JsonNode json, Path file) throws ModelFormatException {
        ConfigFields f = new ConfigFields(json, file);
        String type = f.string("peft_type", "");
        if (!type.equals("LORA")) throw new ModelFormatException(file + ": peft_type '" + type + "' is not LORA");
        String task = f.string("task_type", "CAUSAL_LM");
        if (!task.equals("CAUSAL_LM")) throw new ModelFormatException(file + ": task_type '" + task + "' is not CAUSAL_LM");
        String bias = f.string("bias", "none");
        if (!bias.equals("none")) throw new ModelFormatException(file + ": bias '" + bias + "' is not supported (only none)");
        // Each of these changes what the stored tensors mean; loading them as plain LoRA would give a different model.
        for (String flag : List.of("fan_in_fan_out", "use_dora")) {
            if (f.optionalBool(flag, false)) throw new ModelFormatException(file + ": " + flag + " true is not supported");
        }
        for (String field : List.of("modules_to_save", "layers_to_transform", "rank_pattern", "alpha_pattern")) {
            JsonNode n = json.get(field);
            if (n != null && !n.isNull() && !(n.isContainerNode() && n.isEmpty())) {
                throw new ModelFormatException(file + ": " + field + " " + n + " is not supported");
            }
        }
        int rank = f.requiredInt("r");
        double alpha = f.optionalDouble("lora_alpha", 8);
        double dropout = f.optionalDouble("lora_dropout", 0.0);
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        JsonNode tm = json.get("target_modules");
        try {
            if (tm != null && tm.isTextual() && tm.asText().equals("all-linear")) {
                targets = EnumSet.allOf(Projection.class);
            } else if (tm != null && tm.isArray()) {
                for (JsonNode m : tm) targets.add(Projection.ofModule(m.asText()));
            } else {
                throw new ModelFormatException(file + ": target_modules must be a list of module names or \"all-linear\", got " + tm);
            }
            return new LoraConfig(rank, alpha, dropout, targets, f.optionalBool("use_rslora", false));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code W + s·B·A} for every adapted projection (s = {@link LoraConfig#scale()}), as new weights; {@code base} is
     * not modified. Computed in float32, like PEFT merging a float32 model.
     */
    public static ModelWeights merge(ModelWeights base, LoraLayout layout, float[] lora) {
        if (lora.length != layout.size()) {
            throw new IllegalArgumentException("LoRA weights hold " + lora.length + " floats, layout needs " + layout.size());
        }
        float[] w = base.data().clone();
        float s = (float) layout.config().scale();
        int r = layout.config().rank();
        for (LoraLayout.Adapter ad : layout.adapters()) {
            if (ad.layer() >= base.config().numLayers()) {
                throw new IllegalArgumentException("adapter for layer " + ad.layer() + " but the base has "
                        + base.config().numLayers() + " layers");
            }
            TensorSlot ws = base.layout().layer(ad.layer()).weight(ad.projection());
            int out = ws.rows(), in = ws.cols();
            if (ad.b().rows() != out || ad.a().cols() != in) {
                throw new IllegalArgumentException("adapter " + ad.a().name() + " is " + ad.b().rows() + "x" + ad.a().cols()
                        + " but the base weight " + ws.name() + " is " + out + "x" + in);
            }
            int wo = (int) ws.offset(), ao = (int) ad.a().offset(), bo = (int) ad.b().offset();
            // Row o of B·A is sum_k B[o,k]·A[k,:], built in a row buffer (contiguous saxpys), then scaled and added:
            // the same grouping as W + s·(B·A).
            float[] delta = new float[in];
            for (int o = 0; o < out; o++) {
                java.util.Arrays.fill(delta, 0f);
                for (int k = 0; k < r; k++) {
                    float b = lora[bo + o * r + k];
                    int arow = ao + k * in;
                    for (int i = 0; i < in; i++) delta[i] += b * lora[arow + i];
                }
                int row = wo + o * in;
                for (int i = 0; i < in; i++) w[row + i] += s * delta[i];
            }
        }
        return new ModelWeights(base.layout(), w);
    }
}
