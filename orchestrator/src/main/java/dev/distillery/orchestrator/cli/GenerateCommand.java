package dev.distillery.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.io.DatasetException;
import dev.distillery.datasets.json.Json;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.trainers.runtime.GenerationRequest;
import dev.distillery.trainers.runtime.GenerationResult;
import dev.distillery.trainers.runtime.Generator;
import dev.distillery.trainers.runtime.LocalModel;
import dev.distillery.trainers.runtime.Prompt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code distillery generate}: sample answers from a local model. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate answers with a local model (Jlama or the trainer's engine), seeded and reproducible.",
                "Prompts are JSONL rows with a `prompt` string or a `messages` list; each output row holds the prompt "
                        + "and its samples with text, token ids, per-token log-probs and finish reason."},
        footer = {"", "Examples:",
                "  distillery generate target/sft-tiny/out/model --prompts prompts.jsonl -o answers.jsonl",
                "  distillery generate models/base --adapter out/adapter --prompts p.jsonl -o a.jsonl --n 4 "
                        + "--temperature 0.8 --top-p 0.95 --seed 7"})
public class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalModelOptions modelOptions;

    @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "JSONL with `prompt` or `messages`.")
    Path prompts;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output JSONL.")
    Path output;

    @Option(names = "--n", defaultValue = "1", description = "Samples per prompt (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", description = "Top-k sampling, 0 = off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-new-tokens", defaultValue = "256", description = "New tokens per sample (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "B",
            description = "Sequences decoded together per step (default: ${DEFAULT-VALUE}; 1 = one at a time).")
    int batchSize;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop strings (repeatable).")
    List<String> stop = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        List<Prompt> all = readPrompts(prompts);
        long tokens = 0;
        long start = System.nanoTime();
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        try (LocalModel model = modelOptions.open();
             BufferedWriter w = Files.newBufferedWriter(partial)) {
            Generator generator = new Generator(model, batchSize);
            // Prompts go to the generator a batch at a time, so rows reach the file as they are done.
            int perChunk = Math.max(1, batchSize / Math.max(1, n));
            for (int from = 0; from < all.size(); from += perChunk) {
                List<GenerationRequest> reqs = new ArrayList<>();
                for (int i = from; i < Math.min(all.size(), from + perChunk); i++) {
                    reqs.add(GenerationRequest.builder(all.get(i)).n(n).temperature(temperature).topP(topP)
                            .topK(topK).seed(seed + i).maxNewTokens(maxNewTokens).stopStrings(stop).build());
                }
                List<GenerationResult> results = generator.generateAll(reqs);
                for (int j = 0; j < results.size(); j++) tokens += writeRow(w, from + j, results.get(j));
            }
            spec.commandLine().getOut().printf("generated %,d sample(s) for %,d prompt(s) with %s (%s): %,d tokens, %.0f tok/s -> %s%n",
                    (long) n * all.size(), all.size(), model.name(),
                    Math.min(batchSize, n * all.size()) >= 2 ? "engine, batched" : model.backend().name().toLowerCase(), tokens,
                    tokens / ((System.nanoTime() - start) / 1e9), output);
        }
        Files.move(partial, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return 0;
    }

    /** One output line: the prompt's index, its seed and every sample; returns the tokens generated. */
    private static long writeRow(BufferedWriter w, int index, GenerationResult res) throws IOException {
        long tokens = 0;
        ObjectNode row = Json.object().put("index", index).put("seed", res.seed());
        var samples = row.putArray("samples");
        for (GenerationResult.Sample s : res.samples()) {
            ObjectNode o = samples.addObject().put("text", s.text())
                    .put("finish_reason", s.finishReason().name().toLowerCase());
            var ids = o.putArray("token_ids");
            for (int id : s.tokenIds()) ids.add(id);
            var lps = o.putArray("logprobs");
            for (double lp : s.logProbs()) lps.add(lp);
            tokens += s.outputTokens();
        }
        w.write(Json.string(row));
        w.write('\n');
        return tokens;
    }

    static List<Prompt> readPrompts(Path file) throws IOException {
        if (!Files.exists(file)) throw new DatasetException(file + ": no such file");
        List<Prompt> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            if (line.isBlank()) continue;
            JsonNode row;
            try {
                row = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new DatasetException(file + ":" + lineNo + ": not valid JSON");
            }
            if (row.path("prompt").isTextual()) {
                out.add(Prompt.chat(Conversation.of(Message.user(row.get("prompt").asText()))));
            } else if (row.path("messages").isArray()) {
                try {
                    out.add(Prompt.chat(Json.MAPPER.treeToValue(row.get("messages"), Conversation.class)));
                } catch (IOException | IllegalArgumentException e) {
                    throw new DatasetException(file + ":" + lineNo + ": field 'messages': " + e.getMessage());
                }
            } else {
                throw new DatasetException(file + ":" + lineNo + ": expected a `prompt` string or a `messages` list");
            }
        }
        if (out.isEmpty()) throw new DatasetException(file + ": no prompts");
        return out;
    }
}
