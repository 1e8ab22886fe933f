package dev.distillery.trainers.factory;

import dev.distillery.trainers.io.FileTrees;
import dev.distillery.trainers.io.ModelWriter;
import dev.distillery.trainers.model.Initializers;
import dev.distillery.trainers.model.ModelConfig;
import dev.distillery.trainers.model.ModelWeights;
import dev.distillery.trainers.tokenizer.ByteLevelBpeTrainer;
import dev.distillery.trainers.tokenizer.TrainedTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Creates a randomly initialised Llama- or Qwen2-family model directory that Jlama and Hugging Face tools load:
 * {@code config.json}, {@code model.safetensors}, a byte-level BPE {@code tokenizer.json} (merges learned from a
 * corpus, or bytes only) and a {@code tokenizer_config.json} with the ChatML template. Tests, examples and the
 * sandbox use it instead of downloaded weights.
 *
 * <pre>{@code
 * TinyModelFactory.create(Path.of("models/tiny"), TinyModelFactory.Spec.defaults(), corpusTexts);
 * }</pre>
 */
public final class TinyModelFactory {

    /**
     * The shape of the model to create. The defaults avoid Jlama 0.8.4's kernel bugs (hidden ≤ 128, intermediate and
     * vocab multiples of 128) so the model can also be served by Jlama; the trainer itself takes any shape.
     *
     * @param family       {@code llama} or {@code qwen2} (q/k/v biases)
     * @param hidden       hidden size
     * @param layers       decoder layers
     * @param heads        attention heads
     * @param kvHeads      key/value heads
     * @param intermediate MLP width
     * @param vocab        total vocabulary, padded with reserved tokens (≥ 259: bytes + 3 ChatML specials)
     * @param context      max positions
     * @param tied         tie the LM head to the embedding
     * @param seed         weight and tokenizer seed
     * @param initStd      standard deviation of the random weights
     */
    public record Spec(String family, int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab,
                       int context, boolean tied, long seed, double initStd) {

        public Spec {
            family = family.toLowerCase(Locale.ROOT);
            if (!family.equals("llama") && !family.equals("qwen2")) {
                throw new IllegalArgumentException("family must be llama or qwen2, got '" + family + "'");
            }
            if (vocab < 259) {
                throw new IllegalArgumentException("vocab must be at least 259 (256 bytes + 3 ChatML tokens), got " + vocab);
            }
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("hidden (" + hidden + ") must be a multiple of heads (" + heads + ")");
            }
        }

        /** 2 layers, hidden 64, 4 heads / 2 KV heads, intermediate 128, vocab 384, 512 positions: about 0.1M weights. */
        public static Spec defaults() {
            return new Spec("llama", 64, 2, 4, 2, 128, 384, 512, false, 42, 0.02);
        }
    }

    private TinyModelFactory() {
    }

    /**
     * Writes the model to {@code dir} (which must not exist or be empty).
     *
     * @param corpus texts to learn BPE merges from; empty for a bytes-only tokenizer
     * @return the model's config
     */
    public static ModelConfig create(Path dir, Spec spec, Iterable<String> corpus) {
        boolean bytesOnly = !corpus.iterator().hasNext();
        var options = ByteLevelBpeTrainer.Options.chatMl(Math.max(256, spec.vocab() - 3))
                .withPadTo(spec.vocab()).withModelMaxLength(spec.context());
        if (bytesOnly) options = options.withBytesOnly();
        TrainedTokenizer tok = new ByteLevelBpeTrainer(options).train(corpus);
        if (tok.size() != spec.vocab()) {
            throw new IllegalStateException("tokenizer has " + tok.size() + " tokens, expected " + spec.vocab());
        }
        int bos = tok.addedId(ByteLevelBpeTrainer.Options.END_OF_TEXT);
        int imEnd = tok.addedId(ByteLevelBpeTrainer.Options.IM_END);
        // Jlama's Qwen2 config takes a single eos id; generation stops at the end of an assistant turn.
        List<Integer> eos = spec.family().equals("qwen2") ? List.of(imEnd) : List.of(imEnd, bos);
        ModelConfig config = new ModelConfig(spec.family(), spec.vocab(), spec.hidden(), spec.intermediate(),
                spec.layers(), spec.heads(), spec.kvHeads(), spec.hidden() / spec.heads(), 1e-6, 10000.0,
                spec.context(), spec.tied(), spec.family().equals("qwen2"), bos, eos);
        ModelWeights weights = Initializers.randomModel(config, spec.seed(), spec.initStd());
        Path tokDir = null;
        try {
            tokDir = Files.createTempDirectory("distillery-tokenizer");
            tok.write(tokDir);
            ModelWriter.write(dir, config, weights, tokDir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create model: " + e.getMessage(), e);
        } finally {
            if (tokDir != null) deleteQuietly(tokDir);
        }
        return config;
    }

    /** Reads a corpus file as one text per non-blank line. */
    public static List<String> readCorpus(List<Path> files) {
        List<String> texts = new ArrayList<>();
        for (Path f : files) {
            try {
                for (String line : Files.readAllLines(f)) if (!line.isBlank()) texts.add(line);
            } catch (IOException e) {
                throw new UncheckedIOException(f + ": cannot read corpus: " + e.getMessage(), e);
            }
        }
        return texts;
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException ignored) {
            // a temp directory; the OS cleans it eventually
        }
    }
}
