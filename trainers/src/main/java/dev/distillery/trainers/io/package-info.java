/**
 * Model I/O in Hugging Face formats: {@link dev.distillery.trainers.io.Safetensors} files,
 * {@link dev.distillery.trainers.io.ModelLoader} / {@link dev.distillery.trainers.io.ModelWriter} for model
 * directories (config.json per {@link dev.distillery.trainers.io.ModelFamily}), and
 * {@link dev.distillery.trainers.io.PeftAdapter} for LoRA adapters. Everything is float32 in memory, laid out by
 * {@link dev.distillery.trainers.model.ParameterLayout} / {@link dev.distillery.trainers.model.LoraLayout}.
 *
 * <pre>{@code
 * LoadedModel base = ModelLoader.load(Path.of("models/base"));
 * PeftAdapter.Loaded a = PeftAdapter.read(Path.of("runs/x/adapter"), base.config());
 * ModelWriter.write(Path.of("runs/x/merged"), base.config(),
 *         PeftAdapter.merge(base.weights(), a.layout(), a.weights()), base.dir());
 * }</pre>
 *
 * Errors about the files themselves are {@link dev.distillery.trainers.io.ModelFormatException}s naming the file and
 * the tensor or field; programming errors (mismatched buffers) are {@link java.lang.IllegalArgumentException}s.
 */
package dev.distillery.trainers.io;
