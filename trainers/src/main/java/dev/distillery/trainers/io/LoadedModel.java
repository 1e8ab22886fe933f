package dev.distillery.trainers.io;

import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;

/**
 * A model read from a Hugging Face directory.
 *
 * <pre>{@code
 * LoadedModel m = ModelLoader.load(Path.of("models/tiny"));
 * float[] w = m.weights().data();
 * }</pre>
 *
 * @param dir     the directory it was read from
 * @param config  its shape; {@code tieWordEmbeddings} is true whenever the checkpoint has no {@code lm_head.weight}
 * @param weights all tensors in float32, in {@link dev.distillery.trainers.model.ParameterLayout} order
 */
public record LoadedModel(java.nio.file.Path dir, ModelConfig config, ModelWeights weights) {
}
