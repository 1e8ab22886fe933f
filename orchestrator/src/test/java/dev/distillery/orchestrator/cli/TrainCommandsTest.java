package dev.distillery.orchestrator.cli;

import dev.distillery.datasets.json.Json;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The train and model commands end to end, on a tiny model they create themselves. */
@QuarkusMainTest
class TrainCommandsTest {

    @TempDir
    Path tmp;

    @Test
    void modelInitCreatesAModelJlamaAgreesWith(QuarkusMainLauncher launcher) {
        Path dir = tmp.resolve("tiny");
        LaunchResult r = launcher.launch("model", "init", "-o", dir.toString(), "--layers", "1");
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(Files.exists(dir.resolve("model.safetensors")));
        assertTrue(Files.exists(dir.resolve("tokenizer.json")));
        LaunchResult check = launcher.launch("model", "check", dir.toString());
        assertEquals(0, check.exitCode(), check.getOutput() + check.getErrorOutput());
        assertTrue(check.getOutput().contains("Jlama agrees"), check.getOutput());
    }

    @Test
    void trainRunsALoraJobAndResumes(QuarkusMainLauncher launcher) throws IOException {
        Path out = tmp.resolve("out");
        Path job = tmp.resolve("job.yaml");
        Files.writeString(job, """
                method: lora
                base_model:
                  path: %s
                  init: {layers: 1, hidden: 32, heads: 2, kv_heads: 1, intermediate: 64, vocab: 300, context: 64}
                dataset:
                  toy: {task: upper, count: 64, seed: 1}
                eval:
                  split: 0.25
                lora: {r: 4, alpha: 8, target_modules: [q_proj, v_proj]}
                optimizer: {learning_rate: 1.0e-2}
                batch: {micro_batch_size: 8, max_length: 32}
                max_steps: 4
                checkpoint_every: 2
                output: %s
                """.formatted(tmp.resolve("base"), out));
        LaunchResult r = launcher.launch("train", job.toString());
        assertEquals(0, r.exitCode(), r.getErrorOutput());
        assertTrue(r.getOutput().contains("trained 4 steps"), r.getOutput());
        assertTrue(Files.exists(out.resolve("adapter/adapter_config.json")));
        assertTrue(Files.exists(out.resolve("adapter/adapter_model.safetensors")));
        assertEquals(4, Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"loss\"")).count());
        assertEquals("q_proj", Json.MAPPER.readTree(out.resolve("adapter/adapter_config.json").toFile())
                .get("target_modules").get(0).asText());

        // Running again over the same output refuses without --resume, and resumes with it.
        LaunchResult again = launcher.launch("train", job.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.getErrorOutput().contains("--resume"), again.getErrorOutput());
        LaunchResult resumed = launcher.launch("train", job.toString(), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.getErrorOutput());
        assertTrue(resumed.getOutput().contains("resumed from step 4"), resumed.getOutput());
    }

    @Test
    void aBadJobFileNamesTheLineAndField(QuarkusMainLauncher launcher) throws IOException {
        Path job = tmp.resolve("bad.yaml");
        Files.writeString(job, """
                method: lora
                base_model: {path: x}
                dataset: {toy: {task: add}}
                optimizer:
                  lerning_rate: 0.1
                output: out
                """);
        LaunchResult r = launcher.launch("train", job.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.getErrorOutput().contains(job + ":5"), r.getErrorOutput());
        assertTrue(r.getErrorOutput().contains("optimizer.lerning_rate"), r.getErrorOutput());
        assertTrue(r.getErrorOutput().contains("learning_rate"), "lists the known fields: " + r.getErrorOutput());
    }

    @Test
    void generateScoreAndEvalUseALocalModel(QuarkusMainLauncher launcher) throws IOException {
        Path dir = tmp.resolve("m");
        assertEquals(0, launcher.launch("model", "init", "-o", dir.toString(), "--layers", "1").exitCode());
        Path prompts = tmp.resolve("prompts.jsonl");
        Files.writeString(prompts, "{\"prompt\":\"3+5=\"}\n{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n");
        Path answers = tmp.resolve("answers.jsonl");
        LaunchResult g = launcher.launch("generate", dir.toString(), "--prompts", prompts.toString(), "-o",
                answers.toString(), "--n", "2", "--temperature", "0.8", "--max-new-tokens", "5", "--seed", "3");
        assertEquals(0, g.exitCode(), g.getErrorOutput());
        var lines = Files.readAllLines(answers);
        assertEquals(2, lines.size());
        assertEquals(2, Json.MAPPER.readTree(lines.get(0)).get("samples").size());
        // Same seed, same samples.
        Path again = tmp.resolve("again.jsonl");
        launcher.launch("generate", dir.toString(), "--prompts", prompts.toString(), "-o", again.toString(), "--n", "2",
                "--temperature", "0.8", "--max-new-tokens", "5", "--seed", "3");
        assertEquals(lines, Files.readAllLines(again));

        Path data = tmp.resolve("heldout.jsonl");
        Files.writeString(data, "{\"messages\":[{\"role\":\"user\",\"content\":\"1+1=\"},{\"role\":\"assistant\",\"content\":\"2\"}]}\n");
        LaunchResult s = launcher.launch("score", dir.toString(), "--data", data.toString(), "--json");
        assertEquals(0, s.exitCode(), s.getErrorOutput());
        // In tests Quarkus mixes log lines into the captured output; the launcher sends them to stderr.
        String out = s.getOutput();
        assertTrue(Json.MAPPER.readTree(out.substring(out.indexOf('{'))).get("perplexity").asDouble() > 1);
        Path report = tmp.resolve("report.json");
        LaunchResult e = launcher.launch("eval", dir.toString(), "--data", data.toString(), "--verifier", "number",
                "--max-new-tokens", "4", "-o", report.toString());
        assertEquals(0, e.exitCode(), e.getErrorOutput());
        var r = Json.MAPPER.readTree(report.toFile());
        assertEquals(1, r.get("records").asInt());
        assertTrue(r.has("accuracy") && r.get("examples").size() == 1, r.toString());
    }
}
