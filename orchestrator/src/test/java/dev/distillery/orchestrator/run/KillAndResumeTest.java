package dev.distillery.orchestrator.run;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.orchestrator.store.RunRecord;
import dev.distillery.orchestrator.store.RunStatus;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.sandbox.world.Task;
import dev.distillery.sandbox.world.TaskWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline run in a child JVM is killed with SIGKILL at random moments, resumed, killed again, and finally resumed
 * to the end: every task is answered exactly once, judged exactly once, and the filter's counts add up.
 */
class KillAndResumeTest {

    @TempDir
    Path tmp;

    static final int TASKS = 160;

    @Test
    void aRunKilledAtRandomMomentsResumesWithNothingLostOrDuplicated() throws Exception {
        TaskWorld world = TaskWorld.standard();
        List<Task> tasks = new ArrayList<>();
        for (String skill : world.skillNames()) tasks.addAll(world.sample(skill, TASKS / world.skillNames().size(), 3));
        Files.write(tmp.resolve("tasks.jsonl"), tasks.stream()
                .map(t -> "{\"text\":" + dev.distillery.datasets.json.Json.string(t.instruction()) + "}").toList());
        Path spec = tmp.resolve("killed.yaml");
        Files.writeString(spec, """
                name: killed
                models:
                  teacher: {provider: sandbox, parameters: {error_rate: 0.25, seed: 9, latency_ms: 50}}
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
                    batch: 4
                    concurrency: 1
                  - name: checked
                    kind: judge
                    inputs: [answers]
                    judge: sandbox-verifier
                    batch: 8
                  - name: kept
                    kind: filter
                    inputs: [checked]
                    require: [sandbox-verifier]
                """);
        Path ws = tmp.resolve("runs");
        Random random = new Random(7);
        // Three kills at random moments while the flow stage is answering (each attempt waits for the child's first
        // progress line of that stage, printed every 100 ms, then up to 400 ms more), then a resume to the end.
        ChildRun p = ChildRun.start(ws, "start", spec.toString(), "\\[answers\\] in [1-9]");
        String runId = null;
        List<Long> answeredAtKill = new ArrayList<>();
        StringBuilder logs = new StringBuilder();
        for (int kill = 0; kill < 3; kill++) {
            Thread.sleep(random.nextInt(400));
            p.kill();
            logs.append("--- attempt ").append(kill).append('\n').append(p.output());
            if (runId == null) runId = onlyRun(ws);
            try (RunStore store = RunStore.open(ws)) {
                answeredAtKill.add(store.stage(runId, "answers").map(s -> s.counters().recordsIn()).orElse(0L));
            }
            p = ChildRun.start(ws, "resume", runId, "\\[answers\\] in [1-9]");
        }
        // The point of the test: at least one kill landed while the flow stage was part-way through its inputs.
        assertTrue(answeredAtKill.stream().anyMatch(n -> n > 0 && n < TASKS), "answered at each kill: " + answeredAtKill
                + "\n" + logs);
        assertTrue(p.process.waitFor(120, TimeUnit.SECONDS), "the last resume finishes");
        String log = p.output();
        assertEquals(0, p.process.exitValue(), log);

        try (RunStore store = RunStore.open(ws)) {
            RunRecord run = store.run(runId).orElseThrow();
            assertEquals(RunStatus.SUCCEEDED, run.status(), log);
            Path dir = run.runDir().resolve("stages");
            List<DataRecord> answers = Records.read(dir.resolve("answers/records.jsonl"));
            assertEquals(TASKS, answers.size(), "one answer per task, none lost or repeated");
            assertEquals(TASKS, answers.stream().map(DataRecord::id).distinct().count());
            Set<String> prompts = new HashSet<>();
            for (DataRecord a : answers) {
                var msgs = ((dev.distillery.datasets.model.Payload.Chat) a.payload()).messages().messages();
                assertTrue(prompts.add(msgs.get(msgs.size() - 2).content()), "answered twice: " + a);
            }
            List<DataRecord> checked = Records.read(dir.resolve("checked/records.jsonl"));
            assertEquals(TASKS, checked.size());
            long right = checked.stream().filter(r -> r.scores().get("sandbox-verifier").value() == 1).count();
            assertEquals(right, Records.read(dir.resolve("kept/records.jsonl")).size());
            var kept = store.stage(runId, "kept").orElseThrow().counters();
            assertEquals(TASKS, kept.recordsIn());
            assertEquals(right, kept.recordsOut());
            assertEquals(TASKS - right, kept.rejected());
            assertEquals(TASKS, store.stage(runId, "answers").orElseThrow().counters().recordsOut());
        }
    }

    private static String onlyRun(Path ws) throws Exception {
        // The store admits one process; the child was just killed, so it can be opened here.
        try (RunStore store = RunStore.open(ws)) {
            List<RunRecord> runs = store.listRuns();
            assertEquals(1, runs.size(), runs.toString());
            return runs.getFirst().id();
        }
    }
}
