package dev.distillery.trainers.job;

import dev.distillery.trainers.training.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingRunTest {

    @TempDir
    Path tmp;

    /** Held-out greedy accuracy goes from chance to high on a task a tiny model can learn: the whole loop works. */
    @Test
    void aTinyModelTrainedFromScratchAnswersHeldOutQuestions() throws Exception {
        Path jobFile = tmp.resolve("job.yaml");
        Files.writeString(jobFile, """
                method: full
                base_model:
                  path: %s
                  init: {hidden: 64, layers: 2, heads: 4, kv_heads: 2, intermediate: 128, vocab: 384, context: 64, seed: 1}
                dataset: {toy: {task: add, count: 2000, seed: 1}}
                eval: {toy: {task: add, count: 100, seed: 2}, accuracy: true}
                optimizer: {learning_rate: 3.0e-3}
                schedule: {type: cosine, warmup_ratio: 0.05}
                batch: {micro_batch_size: 32, max_length: 48}
                epochs: 3
                output: %s
                """.formatted(tmp.resolve("base"), tmp.resolve("out")));
        TrainJob job = TrainJob.read(jobFile);
        TrainingRun.Report r = TrainingRun.run(job, false, TrainingListener.NONE);
        // 19 possible sums, so guessing scores about 5%; this short run reaches ~55% (the example's longer one ~96%).
        assertTrue(r.evalAccuracy() >= 0.4, "held-out accuracy " + r.evalAccuracy());
        assertTrue(r.evalLoss() < 1.0, "held-out loss " + r.evalLoss() + " (about 5.9 before training)");
        assertTrue(Files.exists(r.modelDir().resolve("model.safetensors")));
        assertTrue(Files.readString(r.output().resolve("train_summary.json")).contains("eval_accuracy"));
    }

    /**
     * LoRA outputs: a PEFT adapter, and a merged model that Jlama loads and computes exactly like the trainer; a
     * second job starting from that adapter (init_adapter) picks up where the first ended.
     */
    @Test
    void loraWritesAnAdapterAndAMergedModelJlamaAgreesWithAndCanContinueFromIt() throws Exception {
        String common = """
                method: lora
                base_model:
                  path: %s
                  init: {hidden: 64, layers: 2, heads: 4, kv_heads: 2, intermediate: 128, vocab: 384, context: 64, seed: 3}
                dataset: {toy: {task: upper, count: 128, seed: 1}}
                optimizer: {learning_rate: 1.0e-2}
                batch: {micro_batch_size: 16, max_length: 48}
                max_steps: 6
                save_merged: true
                """.formatted(tmp.resolve("base"));
        Path first = tmp.resolve("first.yaml");
        Files.writeString(first, common + "lora: {r: 4, alpha: 8, target_modules: [all-linear]}\noutput: " + tmp.resolve("o1") + "\n");
        TrainingRun.Report r1 = TrainingRun.run(TrainJob.read(first), false, TrainingListener.NONE);
        assertTrue(Files.exists(r1.adapterDir().resolve("adapter_model.safetensors")));
        var parity = dev.distillery.trainers.jlama.JlamaParityCheck.run(r1.modelDir(), 17, 5);
        assertTrue(parity.passed(), parity.describe());

        Path second = tmp.resolve("second.yaml");
        Files.writeString(second, common + "lora: {init_adapter: " + r1.adapterDir() + "}\noutput: " + tmp.resolve("o2") + "\n");
        TrainingRun.Report r2 = TrainingRun.run(TrainJob.read(second), false, TrainingListener.NONE);
        double firstLossOfSecondRun = Double.parseDouble(Files.readAllLines(r2.output().resolve("metrics.jsonl")).get(0)
                .replaceAll(".*\"loss\":([^,]+),.*", "$1"));
        double firstLossOfFirstRun = Double.parseDouble(Files.readAllLines(r1.output().resolve("metrics.jsonl")).get(0)
                .replaceAll(".*\"loss\":([^,]+),.*", "$1"));
        assertTrue(firstLossOfSecondRun < firstLossOfFirstRun,
                "continuing from the adapter starts lower: " + firstLossOfSecondRun + " vs " + firstLossOfFirstRun);
    }

    /**
     * The DPO check: a model SFT-trained on a teacher that follows a rule (answer in upper case) only half the
     * time samples rule-following answers about half the time; DPO on pairs where chosen follows the rule and rejected
     * breaks it raises that rate, measured on the model's own samples (temperature 1) for held-out prompts.
     */
    @Test
    void dpoRaisesTheRateAtWhichSamplesFollowTheRule() throws Exception {
        java.util.Random rnd = new java.util.Random(1);
        StringBuilder sftRows = new StringBuilder(), pairRows = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            String w = word(rnd);
            String answer = rnd.nextBoolean() ? w.toUpperCase(java.util.Locale.ROOT) : w;
            sftRows.append("{\"messages\":[{\"role\":\"user\",\"content\":\"upper: ").append(w)
                    .append("\"},{\"role\":\"assistant\",\"content\":\"").append(answer).append("\"}]}\n");
        }
        for (int i = 0; i < 600; i++) {
            String w = word(rnd);
            pairRows.append("{\"prompt\":[{\"role\":\"user\",\"content\":\"upper: ").append(w)
                    .append("\"}],\"chosen\":[{\"role\":\"assistant\",\"content\":\"")
                    .append(w.toUpperCase(java.util.Locale.ROOT)).append("\"}],\"rejected\":[{\"role\":\"assistant\",")
                    .append("\"content\":\"").append(w).append("\"}]}\n");
        }
        Path sftData = tmp.resolve("sft.jsonl"), pairs = tmp.resolve("pairs.jsonl");
        Files.writeString(sftData, sftRows);
        Files.writeString(pairs, pairRows);
        Path sft = tmp.resolve("sft.yaml");
        Files.writeString(sft, """
                method: full
                base_model:
                  path: %s
                  init: {hidden: 64, layers: 2, heads: 4, kv_heads: 2, intermediate: 128, vocab: 384, context: 64, seed: 1}
                dataset: {path: %s}
                optimizer: {learning_rate: 3.0e-3}
                schedule: {type: cosine, warmup_ratio: 0.05}
                batch: {micro_batch_size: 32, max_length: 48}
                epochs: 3
                output: %s
                """.formatted(tmp.resolve("base"), sftData, tmp.resolve("sft")));
        TrainingRun.Report s = TrainingRun.run(TrainJob.read(sft), false, TrainingListener.NONE);
        Path dpo = tmp.resolve("dpo.yaml");
        Files.writeString(dpo, """
                method: lora
                objective: dpo
                base_model: {path: %s}
                dataset: {path: %s}
                preference: {loss: sigmoid, beta: 0.5}
                lora: {r: 8, alpha: 16, target_modules: [all-linear]}
                optimizer: {learning_rate: 2.0e-3}
                batch: {micro_batch_size: 16, max_length: 48}
                epochs: 2
                save_merged: true
                output: %s
                """.formatted(s.modelDir(), pairs, tmp.resolve("dpo")));
        TrainingRun.Report d = TrainingRun.run(TrainJob.read(dpo), false, TrainingListener.NONE);

        java.util.Random held = new java.util.Random(99);
        java.util.List<String> prompts = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) prompts.add("upper: " + word(held));
        double before = sampledRuleRate(s.modelDir(), prompts);
        double after = sampledRuleRate(d.modelDir(), prompts);
        // Measured: 0.42 -> 0.78.
        assertTrue(after >= before + 0.2, "samples in upper case: " + before + " -> " + after);
        String metrics = Files.readString(d.output().resolve("metrics.jsonl"));
        assertTrue(metrics.contains("\"rewards/accuracies\"") && metrics.contains("\"logps/rejected\""), "TRL metric names");
    }

    private static String word(java.util.Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0, n = 3 + r.nextInt(3); i < n; i++) sb.append((char) ('a' + r.nextInt(26)));
        return sb.toString();
    }

    /** Share of 4 samples per prompt (temperature 1, fixed seeds) that contain a letter and no lower-case letter. */
    private static double sampledRuleRate(Path modelDir, java.util.List<String> prompts) {
        try (var model = dev.distillery.trainers.runtime.LocalModel.load(modelDir)) {
            var generator = new dev.distillery.trainers.runtime.Generator(model);
            int ok = 0, all = 0;
            for (int i = 0; i < prompts.size(); i++) {
                var prompt = dev.distillery.trainers.runtime.Prompt.chat(dev.distillery.datasets.model.Conversation.of(
                        dev.distillery.datasets.model.Message.user(prompts.get(i))));
                var req = dev.distillery.trainers.runtime.GenerationRequest.builder(prompt).n(4).temperature(1.0)
                        .maxNewTokens(8).seed(1000L + i).build();
                for (var sample : generator.generate(req).samples()) {
                    String t = sample.text().trim();
                    if (t.chars().anyMatch(Character::isLetter) && t.equals(t.toUpperCase(java.util.Locale.ROOT))) ok++;
                    all++;
                }
            }
            return (double) ok / all;
        }
    }

    /** Pretokenized pairs train as they are; identical and empty-sided pairs are skipped and counted, not trained on. */
    @Test
    void pretokenizedPairsTrainAndIdenticalPairsAreCounted() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            rows.append("{\"prompt_input_ids\":[60,61,").append(62 + i % 5).append("],\"chosen_input_ids\":[70,71,")
                    .append(i % 7 + 72).append("],\"rejected_input_ids\":[90,").append(91 + i % 3).append("]}\n");
        }
        rows.append("{\"prompt_input_ids\":[60],\"chosen_input_ids\":[70,71],\"rejected_input_ids\":[70,71]}\n");
        Path pre = tmp.resolve("pairs-pre.jsonl");
        Files.writeString(pre, rows.toString());
        Path plain = tmp.resolve("pairs-plain.jsonl");
        Files.writeString(plain, "{\"prompt\":\"same\",\"chosen\":\"x\",\"rejected\":\"x\"}\n"
                + "{\"prompt\":\"2+2=\",\"chosen\":\"4\",\"rejected\":\"5\"}\n"
                + "{\"prompt\":\"3+3=\",\"chosen\":\"\",\"rejected\":\"7\"}\n"
                + "{\"prompt\":\"4+4=\",\"chosen\":\"8\",\"rejected\":\" \"}\n");
        String common = """
                method: lora
                objective: dpo
                base_model:
                  path: %s
                  init: {hidden: 32, layers: 1, heads: 2, kv_heads: 1, intermediate: 64, vocab: 300, context: 64}
                preference: {loss: ipo, beta: 0.5}
                batch: {micro_batch_size: 8, max_length: 32}
                max_steps: 3
                """.formatted(tmp.resolve("b"));
        Path job1 = tmp.resolve("j1.yaml");
        Files.writeString(job1, common + "dataset: {path: " + pre + "}\neval: {split: 0.25}\noutput: " + tmp.resolve("o1") + "\n");
        TrainingRun.Report r1 = TrainingRun.run(TrainJob.read(job1), false, TrainingListener.NONE);
        assertTrue(r1.examples() == 18 && r1.steps() == 3, "a quarter of the 24 good pairs is held out: " + r1);
        assertEquals(1, r1.encodeCounts().get(dev.distillery.trainers.tokenizer.SftEncoder.Status.DROPPED_NO_TARGETS));
        assertTrue(!Double.isNaN(r1.evalLoss()), "held-out pairs are evaluated");
        // An empty pretokenized side never reaches the trainer: the reader names the file, line and field.
        Path empty = tmp.resolve("pairs-empty.jsonl");
        Files.writeString(empty, rows + "{\"prompt_input_ids\":[60],\"chosen_input_ids\":[],\"rejected_input_ids\":[90]}\n");
        Path job3 = tmp.resolve("j3.yaml");
        Files.writeString(job3, common + "dataset: {path: " + empty + "}\noutput: " + tmp.resolve("o3") + "\n");
        var bad = org.junit.jupiter.api.Assertions.assertThrows(dev.distillery.datasets.io.InvalidRecordException.class,
                () -> TrainingRun.run(TrainJob.read(job3), false, TrainingListener.NONE));
        assertTrue(bad.getMessage().endsWith("pairs-empty.jsonl:26: field 'chosen_input_ids': expected at least one "
                + "token id, found an empty array"), bad.getMessage());
        Path job2 = tmp.resolve("j2.yaml");
        Files.writeString(job2, common + "dataset: {path: " + plain + "}\noutput: " + tmp.resolve("o2") + "\n");
        TrainingRun.Report r2 = TrainingRun.run(TrainJob.read(job2), false, TrainingListener.NONE);
        assertTrue(r2.examples() == 1, "the identical and the empty-sided pairs are skipped: " + r2);
        assertEquals(2, r2.encodeCounts().get(dev.distillery.trainers.tokenizer.SftEncoder.Status.DROPPED_EMPTY_COMPLETION));
        assertTrue(r2.encodeCounts().getOrDefault(dev.distillery.trainers.tokenizer.SftEncoder.Status.DROPPED_NO_TARGETS, 0) == 1,
                r2.encodeCounts().toString());
    }
}
