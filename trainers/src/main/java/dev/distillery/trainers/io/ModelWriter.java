package dev.distillery.trainers.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.model.TensorSlot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a Hugging Face model directory that HF transformers and Jlama load: {@code config.json} in the family's form,
 * {@code model.safetensors} (tensors in {@link dev.distillery.trainers.model.ParameterLayout} order, no
 * {@code lm_head.weight} when tied) and copies of the tokenizer files. The directory appears atomically (written under
 * a temporary sibling name, then renamed); an existing non-empty directory is refused.
 *
 * <pre>{@code
 * ModelWriter.write(Path.of("out/merged"), config, weights, Path.of("models/base"));
 * }</pre>
 */
public final class ModelWriter {

    /** Copied from the tokenizer source directory when present there. */
    public static final List<String> TOKENIZER_FILES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json");

    private ModelWriter() {
    }

    /** Writes float32 weights. */
    public static void write(Path dir, ModelConfig config, ModelWeights weights, Path tokenizerSourceDirOrNull)
            throws IOException {
        write(dir, config, weights, tokenizerSourceDirOrNull, DType.F32);
    }

    /** Writes weights as {@code dtype} (F32, BF16 or F16); config.json's {@code torch_dtype} follows. */
    public static void write(Path dir, ModelConfig config, ModelWeights weights, Path tokenizerSourceDirOrNull,
                             DType dtype) throws IOException {
        if (!weights.config().equals(config)) {
            throw new IllegalArgumentException("weights were laid out for " + weights.config() + ", not " + config);
        }
        String torchDtype = switch (dtype) {
            case F32 -> "float32";
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> throw new IllegalArgumentException("cannot write dtype " + dtype);
        };
        ObjectNode json = ModelFamily.forModelType(config.modelType()).writeConfig(config);
        json.put("torch_dtype", torchDtype);
        List<Safetensors.Tensor> tensors = tensors(weights);
        AtomicDirectory.publish(dir, tmp -> {
            Safetensors.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("config.json").toFile(), json);
            Safetensors.write(tmp.resolve(Safetensors.MODEL_FILE), tensors, dtype, Map.of("format", "pt"));
            if (tokenizerSourceDirOrNull != null) {
                for (String f : TOKENIZER_FILES) {
                    Path src = tokenizerSourceDirOrNull.resolve(f);
                    if (Files.isRegularFile(src)) Files.copy(src, tmp.resolve(f));
                }
            }
        });
    }

    /** The layout's tensors as views on the flat buffer (nothing is copied). */
    static List<Safetensors.Tensor> tensors(ModelWeights weights) {
        List<Safetensors.Tensor> out = new ArrayList<>();
        for (TensorSlot s : weights.layout().tensors()) {
            out.add(new Safetensors.Tensor(s.name(), s.shape(), weights.data(), s.offset()));
        }
        return out;
    }
}
