package dev.distillery.trainers.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.ParameterLayout;
import dev.distillery.trainers.model.TensorSlot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a Hugging Face model directory ({@code config.json} plus {@code model.safetensors} or a sharded
 * {@code model.safetensors.index.json}) into one float32 {@link ModelWeights} buffer, tensor by HF name.
 *
 * <pre>{@code
 * LoadedModel m = ModelLoader.load(Path.of("models/SmolLM-135M"));
 * }</pre>
 *
 * <ul>
 *   <li>F32, BF16 and F16 tensors are converted to float32; other dtypes are refused.</li>
 *   <li>No {@code lm_head.weight}: embeddings are tied (as Jlama and HF do), whatever the config says.
 *       {@code tie_word_embeddings: true} with an {@code lm_head.weight} present: the head is ignored (HF ties).</li>
 *   <li>Tensors the layout does not need (e.g. {@code rotary_emb.inv_freq}) are logged and ignored, except biases a
 *       family does not declare, which are refused.</li>
 * </ul>
 */
public final class ModelLoader {

    private static final System.Logger LOG = System.getLogger(ModelLoader.class.getName());

    private ModelLoader() {
    }

    public static LoadedModel load(Path dir) throws IOException {
        ModelConfig config = readConfig(dir);
        try (Safetensors.Reader reader = Safetensors.openDirectory(dir)) {
            List<String> names = reader.tensors().stream().map(Safetensors.TensorInfo::name).toList();
            boolean hasHead = reader.info("lm_head.weight") != null;
            if (!hasHead && !config.tieWordEmbeddings()) {
                LOG.log(System.Logger.Level.INFO, "{0}: no lm_head.weight, tying it to model.embed_tokens.weight", dir);
                config = config.withTiedEmbeddings(true);
            } else if (hasHead && config.tieWordEmbeddings()) {
                LOG.log(System.Logger.Level.WARNING,
                        "{0}: tie_word_embeddings is true; the stored lm_head.weight is ignored", dir);
            }
            ModelFamily.forModelType(config.modelType()).validateTensors(config, names, dir);

            ParameterLayout layout = ParameterLayout.of(config);
            float[] data = new float[layout.size()];
            for (TensorSlot slot : layout.tensors()) {
                Safetensors.TensorInfo t = reader.info(slot.name());
                if (t == null) {
                    throw new ModelFormatException(dir + ": missing tensor '" + slot.name() + "' (expected shape "
                            + Arrays.toString(slot.shape()) + " from config.json)");
                }
                if (!t.hasShape(slot.shape())) {
                    throw new ModelFormatException(t.file() + ": tensor '" + slot.name() + "' has shape "
                            + t.shapeString() + " but config.json implies " + Arrays.toString(slot.shape()));
                }
                reader.read(slot.name(), data, slot.offset());
            }
            List<String> ignored = new ArrayList<>();
            for (String n : names) {
                if (layout.get(n) == null && !(n.equals("lm_head.weight") && config.tieWordEmbeddings())) ignored.add(n);
            }
            if (!ignored.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "{0}: ignoring {1} unexpected tensor(s): {2}", dir, ignored.size(),
                        ignored.size() > 8 ? ignored.subList(0, 8) + " ..." : ignored);
            }
            return new LoadedModel(dir, config, new ModelWeights(layout, data));
        }
    }

    /** Reads and validates {@code dir/config.json} alone (no weights). */
    public static ModelConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(dir + ": no config.json (not a Hugging Face model directory)");
        }
        JsonNode json;
        try {
            json = Safetensors.JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (json == null || !json.isObject()) throw new ModelFormatException(file + ": not a JSON object");
        JsonNode type = json.get("model_type");
        if (type == null || !type.isTextual()) {
            throw new ModelFormatException(file + ": missing \"model_type\" (supported: "
                    + String.join(", ", ModelFamily.supportedModelTypes()) + ")");
        }
        ModelFamily family;
        try {
            family = ModelFamily.forModelType(type.asText());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
        return family.readConfig(json, file);
    }
}
