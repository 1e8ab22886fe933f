package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sandbox teacher as the model of the built-in LLM judges in a pipeline: its judge rates come from the spec's
 * parameters. Rates of 0 must reproduce the sandbox verifier's verdicts, rates of 1 must invert them, record by
 * record, so a wrong or missing parameter mapping cannot pass.
 */
class SandboxJudgePipelineTest {

    @TempDir
    Path tmp;

    static final String SPEC = """
            name: sandbox-judged
            seed: 5
            models:
              teacher: {provider: sandbox, parameters: {error_rate: 0.4, seed: 3}}
              exact: {provider: sandbox, parameters: {judge_false_pass: 0, judge_false_fail: 0}}
              contrary: {provider: sandbox, parameters: {judge_false_pass: 1.0, judge_false_fail: 1.0}}
            stages:
              - name: seeds
                kind: source
                path: tasks.jsonl
              - name: answers
                kind: flow
                inputs: [seeds]
                flow: responses
                settings: {strategies: [direct-answer]}
                models: {teacher: teacher}
              - name: checked
                kind: judge
                inputs: [answers]
                judge: sandbox-verifier
              - name: graded
                kind: judge
                inputs: [checked]
                judge: single-grade
                settings: {name: graded}
                models: {judge: contrary}
              - name: believed
                kind: judge
                inputs: [graded]
                judge: p-true
                settings: {name: believed, samples: 3}
                models: {judge: exact}
            """;

    @Test
    void judgeRatesFromTheSpecReachTheSimulatedJudge() throws IOException {
        TaskWorld world = TaskWorld.standard();
        List<Task> tasks = new ArrayList<>();
        for (String skill : world.skillNames()) tasks.addAll(world.sample(skill, 4, 17));
        Files.write(tmp.resolve("tasks.jsonl"), tasks.stream()
                .map(t -> "{\"text\":" + dev.distillery.datasets.json.Json.string(t.instruction()) + "}").toList());
        PipelineSpec spec = PipelineSpecs.parse(SPEC, "sandbox-judged.yaml", SpecCatalog.installed());
        try (RunStore store = RunStore.open(tmp.resolve("runs"))) {
            RunRecord run = store.createRun(spec.name(), PipelineSpecs.toYaml(spec), "fp");
            Path runDir = store.runDirectory(run.id()).root();
            PipelineRunner.RunResult r = PipelineRunner.builder(spec, runDir, new StoreLedger(store, run.id()))
                    .baseDir(tmp).build().run();
            assertTrue(r.succeeded(), r.toString());

            List<DataRecord> judged = new ArrayList<>();
            try (RecordIterator it = Datasets.input(runDir.resolve("stages/believed/records.jsonl"), null).open()) {
                it.forEachRemaining(judged::add);
            }
            assertEquals(tasks.size(), judged.size());
            int right = 0;
            for (DataRecord d : judged) {
                // A failed verdict leaves the record without that score: every one of the three must have scored.
                assertTrue(d.scores().keySet().containsAll(List.of("sandbox-verifier", "graded", "believed")), d.toString());
                boolean verified = d.scores().get("sandbox-verifier").value() == 1;
                if (verified) right++;
                assertEquals(!verified, d.scores().get("graded").value() >= 6, "contrary judge on " + d);
                assertEquals(verified, d.scores().get("believed").value() == 1.0, "exact judge on " + d);
            }
            // The teacher errs at 0.4: both verdicts occur, so agreement and inversion are both tested.
            assertTrue(right > 0 && right < tasks.size(), right + " of " + tasks.size() + " right");
        }
    }
}
