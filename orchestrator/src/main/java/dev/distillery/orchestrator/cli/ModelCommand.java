package dev.distillery.orchestrator.cli;

import dev.distillery.trainers.factory.TinyModelFactory;
import dev.distillery.trainers.jlama.JlamaParityCheck;
import dev.distillery.trainers.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code distillery model ...}: create and check local models. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Create tiny models and check local models.",
        subcommands = {ModelCommand.Init.class, ModelCommand.Check.class},
        footer = {"", "Examples:",
                "  distillery model init -o models/tiny",
                "  distillery model init -o models/qwen --family qwen2 --hidden 128 --layers 4 --corpus notes.txt",
                "  distillery model check models/tiny"})
public class ModelCommand {

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create a randomly initialised Llama/Qwen2-family model that Jlama and Hugging Face tools "
                    + "load: config.json, model.safetensors, a byte-level BPE tokenizer (merges learned from --corpus, "
                    + "or bytes only) and a ChatML chat template.",
                    "The defaults (hidden 64, 2 layers, intermediate 128, vocab 384) also avoid Jlama 0.8.4's kernel "
                            + "bugs, so the model can be served by Jlama."},
            footer = {"", "Examples:", "  distillery model init -o models/tiny",
                    "  distillery model init -o models/small --hidden 256 --layers 4 --heads 8 --kv-heads 4 "
                            + "--intermediate 768 --vocab 2048 --corpus data/corpus.txt"})
    static class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Model directory to create.")
        Path output;

        @Option(names = "--family", defaultValue = "llama", description = "llama or qwen2 (default: ${DEFAULT-VALUE}).")
        String family;

        @Option(names = "--hidden", defaultValue = "64", description = "Hidden size (default: ${DEFAULT-VALUE}).")
        int hidden;

        @Option(names = "--layers", defaultValue = "2", description = "Decoder layers (default: ${DEFAULT-VALUE}).")
        int layers;

        @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default: ${DEFAULT-VALUE}).")
        int heads;

        @Option(names = "--kv-heads", defaultValue = "2", description = "Key/value heads (default: ${DEFAULT-VALUE}).")
        int kvHeads;

        @Option(names = "--intermediate", defaultValue = "128", description = "MLP width (default: ${DEFAULT-VALUE}).")
        int intermediate;

        @Option(names = "--vocab", defaultValue = "384",
                description = "Vocabulary size incl. 3 ChatML tokens and reserved padding (default: ${DEFAULT-VALUE}).")
        int vocab;

        @Option(names = "--context", defaultValue = "512", description = "Max positions (default: ${DEFAULT-VALUE}).")
        int context;

        @Option(names = "--tied", description = "Tie the LM head to the embedding matrix.")
        boolean tied;

        @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--corpus", paramLabel = "FILE", description = "Text files (one text per line) to learn BPE merges from.")
        List<Path> corpus = List.of();

        @Override
        public Integer call() {
            var s = new TinyModelFactory.Spec(family, hidden, layers, heads, kvHeads, intermediate, vocab, context, tied,
                    seed, 0.02);
            ModelConfig c = TinyModelFactory.create(output, s, TinyModelFactory.readCorpus(corpus));
            spec.commandLine().getOut().printf("created %s: %s, %d layers, hidden %d, %d/%d heads, intermediate %d, "
                            + "vocab %d, context %d%s%n", output, c.modelType(), c.numLayers(), c.hiddenSize(), c.numHeads(),
                    c.numKvHeads(), c.intermediateSize(), c.vocabSize(), c.maxPositionEmbeddings(),
                    corpus.isEmpty() ? " (bytes-only tokenizer)" : "");
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Compare Jlama's next-token probabilities with the trainer's own forward pass on a probe "
                    + "sequence; a difference above 1e-4 means Jlama computes this shape wrongly (a known 0.8.4 bug).",
            footer = {"", "Examples:", "  distillery model check models/tiny"})
    static class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "Model directory.")
        Path dir;

        @Override
        public Integer call() {
            JlamaParityCheck.Report r = JlamaParityCheck.run(dir, 17, 1);
            spec.commandLine().getOut().println(r.describe());
            return r.passed() ? 0 : CommandLineSetup.DATA_ERROR;
        }
    }
}
