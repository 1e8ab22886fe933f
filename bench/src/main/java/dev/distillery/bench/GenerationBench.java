package dev.distillery.bench;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;
import dev.distillery.datasets.model.Conversation;
import dev.distillery.datasets.model.Message;
import dev.distillery.trainers.factory.TinyModelFactory;
import dev.distillery.trainers.io.FileTrees;
import dev.distillery.trainers.runtime.GenerationRequest;
import dev.distillery.trainers.runtime.Generator;
import dev.distillery.trainers.runtime.LocalModel;
import dev.distillery.trainers.runtime.Prompt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Generation tokens/s of Distillery's runtime (Jlama backend with its own sampling loop, and the trainer's engine)
 * against stock Jlama's {@code generate} on the same model, batch 1 (one prompt) and batch 8 (eight prompts: stock
 * Jlama runs them in turn; Distillery decodes them together, which on the engine is one forward per step for all
 * eight rows), plus the cost of loading a model with and without the parity self-check. The model is the tiny factory
 * model with hidden 256, 4 layers (shapes Jlama computes correctly).
 */
public final class GenerationBench {

    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempDirectory("distillery-genbench");
        try {
            Path dir = tmp.resolve("model");
            TinyModelFactory.create(dir, new TinyModelFactory.Spec("llama", 256, 4, 8, 4, 768, 1024, 1024, false, 1, 0.05),
                    List.of());
            int newTokens = 128;
            String prompt = "Explain why the sky is blue in simple words, please.";

            long t0 = System.nanoTime();
            try (LocalModel m = LocalModel.builder(dir).backend(LocalModel.BackendChoice.JLAMA).build()) {
                double loadWithCheck = (System.nanoTime() - t0) / 1e9;
                double ours1 = ours(m, prompt, newTokens, 1, 1);
                double ours8 = ours(m, prompt, newTokens, 8, 1);
                long t1 = System.nanoTime();
                Path work = Files.createDirectories(tmp.resolve("jlama-work")); // stock generate leaks KV page files here
                AbstractModel stock = ModelSupport.loadModel(dir.toFile(), work.toFile(), DType.F32,
                        DType.F32, java.util.Optional.empty(), java.util.Optional.empty());
                double loadStock = (System.nanoTime() - t1) / 1e9;
                double stock1 = stock(stock, prompt, newTokens, 1);
                double stock8 = stock(stock, prompt, newTokens, 8);
                stock.close();
                double engine1, engine8;
                try (LocalModel e = LocalModel.builder(dir).backend(LocalModel.BackendChoice.ENGINE).build()) {
                    engine1 = ours(e, prompt, newTokens, 1, 1);
                    engine8 = ours(e, prompt, newTokens, 8, 8);
                }
                System.out.printf("Generation bench: hidden 256, 4 layers, vocab 1024, %d new tokens, %s%n", newTokens,
                        Runtime.version());
                System.out.printf("%-44s %10s%n", "", "tok/s");
                System.out.printf("%-44s %10.0f  (baseline)%n", "stock Jlama generate, batch 1", stock1);
                System.out.printf("%-44s %10.0f  %.2fx%n", "Distillery runtime (Jlama), batch 1", ours1, ours1 / stock1);
                System.out.printf("%-44s %10.0f  %.2fx%n", "Distillery runtime (engine), batch 1", engine1, engine1 / stock1);
                System.out.printf("%-44s %10.0f  (baseline)%n", "stock Jlama generate, 8 prompts in turn", stock8);
                System.out.printf("%-44s %10.0f  %.2fx%n", "Distillery runtime (Jlama), 8 in turn", ours8, ours8 / stock8);
                System.out.printf("%-44s %10.0f  %.2fx%n", "Distillery runtime (engine), batch 8", engine8, engine8 / stock8);
                System.out.printf("load: Distillery with parity self-check %.2f s, stock Jlama %.2f s (the check adds %.2f s)%n",
                        loadWithCheck, loadStock, loadWithCheck - loadStock);
            }
        } finally {
            FileTrees.delete(tmp);
        }
    }

    /** {@code prompts} requests, decoded {@code batch} at a time. */
    private static double ours(LocalModel m, String prompt, int newTokens, int prompts, int batch) {
        Generator g = new Generator(m, batch);
        List<GenerationRequest> reqs = new java.util.ArrayList<>();
        for (int i = 0; i < prompts; i++) {
            reqs.add(GenerationRequest.builder(Prompt.chat(Conversation.of(Message.user(prompt))))
                    .maxNewTokens(newTokens).temperature(0.8).seed((long) i).stopStrings(List.of()).build());
        }
        g.generateAll(reqs); // warm-up
        long tokens = 0;
        long t0 = System.nanoTime();
        for (var r : g.generateAll(reqs)) tokens += r.first().outputTokens();
        return tokens / ((System.nanoTime() - t0) / 1e9);
    }

    private static double stock(AbstractModel m, String prompt, int newTokens, int prompts) {
        int promptLen = m.getTokenizer().encode(prompt).length;
        m.generate(UUID.randomUUID(), PromptContext.of(prompt), 0.8f, promptLen + newTokens, (s, f) -> { });
        long tokens = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < prompts; i++) {
            var r = m.generate(UUID.randomUUID(), PromptContext.of(prompt), 0.8f, promptLen + newTokens, (s, f) -> { });
            tokens += r.generatedTokens;
        }
        return tokens / ((System.nanoTime() - t0) / 1e9);
    }
}
