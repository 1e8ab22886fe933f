package dev.distillery.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.distillery.datasets.json.Json;
import dev.distillery.orchestrator.spec.PipelineSpec;
import dev.distillery.orchestrator.spec.PipelineSpecs;
import dev.distillery.orchestrator.spec.SpecCatalog;
import dev.distillery.orchestrator.store.RunRecord;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox study's loop, scaled down to seconds (examples/sandbox.yaml is the full one): teacher data, verifier and
 * filter, SFT from scratch, evaluation of the untrained and the trained student per skill, on-policy samples,
 * verifier-labelled pairs, DPO continuing from the SFT model, a student-aware second-round allocation, and the report.
 */
class SandboxLoopTest {

    @TempDir
    Path tmp;

    static final String SPEC = """
            name: sandbox-loop
            seed: 3
            models:
              teacher: {provider: sandbox, parameters: {error_rate: 0.2, seed: 7}}
            stages:
              - {name: tasks, kind: source, path: tasks.jsonl}
              - {name: pool, kind: source, path: pool.jsonl}
              - name: answers
                kind: flow
                inputs: [tasks]
                flow: responses
                settings: {strategies: [direct-answer], system-prompt: ""}
                models: {teacher: teacher}
                batch: 32
              - {name: verified, kind: judge, inputs: [answers], judge: sandbox-verifier}
              - {name: kept, kind: filter, inputs: [verified], require: [sandbox-verifier]}
              - name: sft
                kind: train
                inputs: [kept]
                train:
                  method: full
                  base_model:
                    path: BASE
                    init: {family: llama, hidden: 64, layers: 2, heads: 4, kv_heads: 2, intermediate: 128, vocab: 384,
                           context: 128, seed: 1}
                  optimizer: {learning_rate: 3.0e-3, weight_decay: 0.0, max_grad_norm: 1.0}
                  schedule: {type: cosine, warmup_ratio: 0.05}
                  batch: {micro_batch_size: 32, max_length: 48}
                  epochs: 14
                  seed: 42
                  output: ignored
              - {name: eval-base, kind: eval, inputs: [sft], model: base, data: heldout.jsonl, verifier: normalized,
                 max_new_tokens: 12, group_by: skill}
              - {name: eval-sft, kind: eval, inputs: [sft], data: heldout.jsonl, verifier: normalized,
                 max_new_tokens: 12, group_by: skill}
              - {name: samples, kind: sample, inputs: [tasks, sft], n: 4, temperature: 1.0, max_new_tokens: 12}
              - {name: samples-verified, kind: judge, inputs: [samples], judge: sandbox-verifier}
              - {name: pairs, kind: select-pairs, inputs: [samples-verified], strategy: pass-vs-fail,
                 score: sandbox-verifier}
              - name: dpo
                kind: train
                inputs: [pairs, sft]
                train:
                  method: full
                  objective: dpo
                  preference: {loss: sigmoid, beta: 0.1}
                  optimizer: {learning_rate: 1.0e-4}
                  batch: {micro_batch_size: 8, max_length: 48}
                  max_steps: 6
                  seed: 42
                  output: ignored
              - {name: eval-dpo, kind: eval, inputs: [dpo], data: heldout.jsonl, verifier: normalized,
                 max_new_tokens: 12, group_by: skill}
              - {name: plan, kind: allocate, inputs: [pool, eval-dpo], total: 80, group_by: skill, floor: 0.05}
              - name: report
                kind: report
                inputs: [eval-base, eval-sft, eval-dpo]
                path: out/report.md
                agreement: [{stage: samples-verified, judge: sandbox-verifier, reference: sandbox-verifier}]
            """;

    @Test
    void theLoopRunsEndToEndAndTheTrainedStudentBeatsTheUntrainedOne() throws IOException {
        TaskWorld world = TaskWorld.standard();
        Set<String> seen = new HashSet<>();
        List<Task> train = write("tasks.jsonl", world, 40, 1, seen, false);
        write("pool.jsonl", world, 20, 2, seen, false);
        write("heldout.jsonl", world, 10, 2026, seen, true);
        // A train job's relative paths start at the working directory (as in `distillery train`): keep the base in tmp.
        PipelineSpec spec = PipelineSpecs.parse(SPEC.replace("BASE", tmp.resolve("base").toString()), "sandbox-loop.yaml",
                SpecCatalog.installed());

        try (RunStore store = RunStore.open(tmp.resolve("runs"))) {
            RunRecord run = store.createRun(spec.name(), PipelineSpecs.toYaml(spec), "fp");
            Path runDir = store.runDirectory(run.id()).root();
            PipelineRunner.RunResult r = PipelineRunner.builder(spec, runDir, new StoreLedger(store, run.id()))
                    .baseDir(tmp).build().run();
            assertTrue(r.succeeded(), r.toString());
            Path stages = runDir.resolve("stages");

            // Every data stage produced records; every training stage trained.
            for (String s : List.of("answers", "verified", "kept", "eval-base", "eval-sft", "samples", "samples-verified",
                    "pairs", "eval-dpo", "plan")) {
                assertTrue(store.stage(run.id(), s).orElseThrow().counters().recordsOut() > 0, s + " produced nothing");
            }
            for (String s : List.of("sft", "dpo")) {
                JsonNode t = Json.MAPPER.readTree(stages.resolve(s).resolve(TrainRunner.REPORT).toFile());
                assertTrue(t.path("steps").asInt() > 0, s + ": " + t);
            }
            // DPO started from the SFT model, not from scratch.
            JsonNode dpoJob = new ObjectMapper(new YAMLFactory()).readTree(stages.resolve("dpo/job.yaml").toFile());
            String sftModel = Json.MAPPER.readTree(stages.resolve("sft").resolve(TrainRunner.REPORT).toFile())
                    .path("model_dir").asText();
            assertEquals(sftModel, dpoJob.path("base_model").path("path").asText());

            // The student learned: held-out accuracy after SFT is above the untrained student's.
            double base = accuracy(stages, "eval-base"), sft = accuracy(stages, "eval-sft");
            assertTrue(sft > base, "SFT " + sft + " vs untrained " + base);
            JsonNode groups = Json.MAPPER.readTree(stages.resolve("eval-sft/eval-report.json").toFile()).path("groups");
            for (String skill : world.skillNames()) {
                JsonNode g = groups.path(skill);
                assertEquals(10, g.path("n").asInt(), skill);
                assertTrue(g.path("low").asDouble() <= g.path("accuracy").asDouble()
                        && g.path("accuracy").asDouble() <= g.path("high").asDouble(), skill + ": " + g);
            }

            // Four on-policy samples per prompt, each tied to its prompt and keeping its skill.
            assertEquals(4L * train.size(), store.stage(run.id(), "samples").orElseThrow().counters().recordsOut());

            // Round 2's plan: exactly the budget, and no skill the student does better on gets more than a worse one.
            JsonNode dpoGroups = Json.MAPPER.readTree(stages.resolve("eval-dpo/eval-report.json").toFile()).path("groups");
            Map<String, Long> taken = new java.util.HashMap<>();
            for (String line : Files.readAllLines(stages.resolve("plan/records.jsonl"))) {
                taken.merge(Json.MAPPER.readTree(line).path("source").path("fields").path("skill").asText(), 1L, Long::sum);
            }
            assertEquals(80, taken.values().stream().mapToLong(Long::longValue).sum());
            for (String a : world.skillNames()) {
                for (String b : world.skillNames()) {
                    if (dpoGroups.path(a).path("accuracy").asDouble() < dpoGroups.path(b).path("accuracy").asDouble()) {
                        assertTrue(taken.getOrDefault(a, 0L) >= taken.getOrDefault(b, 0L),
                                a + " is weaker than " + b + " but got less: " + taken);
                    }
                }
            }

            // The report is written, with every skill, the stage table, the diversity and the agreement sections.
            String report = Files.readString(tmp.resolve("out/report.md"));
            for (String skill : world.skillNames()) assertTrue(report.contains("| " + skill + " |"), report);
            assertTrue(report.contains("| eval-base | eval-sft | eval-dpo |"), report);
            assertTrue(report.contains("| samples | sample |"), report);
            assertTrue(report.contains("## Diversity of the student's samples"), report);
            // The verifier against itself: a check of the agreement arithmetic (precision and recall are exactly 1).
            assertTrue(report.contains("| samples-verified | sandbox-verifier | sandbox-verifier | " + 4 * train.size()
                    + " | 1.000 | 1.000 | 1.000 |"), report);
        }
    }

    private static double accuracy(Path stages, String stage) throws IOException {
        return Json.MAPPER.readTree(stages.resolve(stage).resolve(EvalRunner.REPORT).toFile()).path("accuracy").asDouble();
    }

    /** Tasks per skill, none repeating any earlier file's; held-out files are chats ending with the answer. */
    private List<Task> write(String file, TaskWorld world, int perSkill, long seed, Set<String> seen, boolean withAnswer)
            throws IOException {
        List<Task> tasks = world.evalSet(perSkill, seed, seen);
        List<String> lines = new ArrayList<>();
        for (Task t : tasks) {
            seen.add(t.key());
            var o = Json.object();
            if (withAnswer) {
                var m = o.putArray("messages");
                m.addObject().put("role", "user").put("content", t.instruction());
                m.addObject().put("role", "assistant").put("content", t.answer());
            } else {
                o.put("text", t.instruction());
            }
            lines.add(Json.string(o.put("skill", t.skill())));
        }
        Files.write(tmp.resolve(file), lines);
        return tasks;
    }
}
