package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.spi.Plugins;
import dev.distillery.trainers.model.ModelConfig;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Hugging Face architecture family, selected by {@code model_type} in {@code config.json}: turns the config into a
 * {@link ModelConfig}, writes it back in the family's HF form, and checks family-specific tensors. Implementations are
 * registered in {@code META-INF/services/dev.distillery.trainers.io.ModelFamily}.
 *
 * <pre>{@code
 * ModelFamily f = ModelFamily.forModelType("qwen2");
 * ModelConfig c = f.readConfig(json, dir.resolve("config.json"));
 * }</pre>
 */
public interface ModelFamily {

    /** The {@code model_type} value, e.g. {@code llama}. */
    String modelType();

    /** The {@code architectures[0]} value written to config.json, e.g. {@code LlamaForCausalLM}. */
    String architecture();

    /**
     * Parses a config.json tree; {@code file} is only used in error messages. Refuses configs the trainer cannot
     * reproduce exactly (e.g. {@code rope_scaling}, activations other than SiLU).
     */
    ModelConfig readConfig(JsonNode config, Path file) throws ModelFormatException;

    /** The config.json tree for {@code config} (without {@code torch_dtype}, which the writer sets). */
    ObjectNode writeConfig(ModelConfig config);

    /**
     * Checks the checkpoint's tensor names against what {@code config} expects, beyond the generic "every expected
     * tensor is present" check: e.g. a bias tensor the config does not declare means an unsupported variant.
     */
    default void validateTensors(ModelConfig config, Collection<String> tensorNames, Path dir) throws ModelFormatException {
    }

    /** The family registered for {@code modelType}; the error lists the supported ones. */
    static ModelFamily forModelType(String modelType) {
        ModelFamily f = registered().get(modelType);
        if (f == null) {
            throw new IllegalArgumentException("unsupported model_type '" + modelType + "'; supported: "
                    + String.join(", ", supportedModelTypes()));
        }
        return f;
    }

    /** All registered {@code model_type} values, sorted. */
    static List<String> supportedModelTypes() {
        return List.copyOf(registered().keySet());
    }

    private static Map<String, ModelFamily> registered() {
        // The context class loader sees plugins; our own loader always sees the built-ins (Quarkus and test runners
        // may set a context loader that does not delegate to this module).
        Map<String, ModelFamily> m = new TreeMap<>();
        for (ModelFamily f : Plugins.load(ModelFamily.class)) m.putIfAbsent(f.modelType(), f);
        return m;
    }
}
