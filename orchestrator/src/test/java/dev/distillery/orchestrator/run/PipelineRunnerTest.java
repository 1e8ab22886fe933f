package dev.distillery.orchestrator.run;

import dev.distillery.datasets.Datasets;
import dev.distillery.datasets.io.RecordIterator;
import dev.distillery.datasets.model.DataRecord;
import dev.distillery.datasets.model.Payload;
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
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor end to end on the real run store: the simulated sandbox teacher answers tasks through the responses
 * flow, the sandbox verifier judges, a filter keeps the right answers, dedup and export follow.
 */
class PipelineRunnerTest {

    @TempDir
    Path tmp;

    static final String SPEC = """
            name: sandbox-mini
            seed: 5
            models:
              teacher: {provider: sandbox, parameters: {error_rate: 0.3, seed: 3}}
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
              - name: checked
                kind: judge
                inputs: [answers]
                judge: sandbox-verifier
              - name: kept
                kind: filter
                inputs: [checked]
                require: [sandbox-verifier]
              - name: unique
                kind: dedup
                inputs: [kept]
                method: exact
              - name: export
                kind: export
                inputs: [unique]
                path: out/train.jsonl
                format: trl-messages
            """;

    private List<Task> writeTasks(int perSkill) throws IOException {
        TaskWorld world = TaskWorld.standard();
        List<Task> tasks = new ArrayList<>();
        for (String skill : world.skillNames()) tasks.addAll(world.sample(skill, perSkill, 11));
        Files.write(tmp.resolve("tasks.jsonl"), tasks.stream()
                .map(t -> "{\"text\":" + dev.distillery.datasets.json.Json.string(t.instruction()) + "}").toList());
        return tasks;
    }

    private PipelineSpec spec(String yaml) {
        return PipelineSpecs.parse(yaml, "sandbox-mini.yaml", SpecCatalog.installed());
    }

    private static List<DataRecord> read(Path file) {
        List<DataRecord> out = new ArrayList<>();
        try (RecordIterator it = Datasets.input(file, null).open()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void aPipelineRunsEveryStageAndAResumeReusesWhatIsDone() throws IOException {
        List<Task> tasks = writeTasks(6);
        PipelineSpec spec = spec(SPEC);
        try (RunStore store = RunStore.open(tmp.resolve("runs"))) {
            RunRecord run = store.createRun(spec.name(), PipelineSpecs.toYaml(spec), "fp");
            Path runDir = store.runDirectory(run.id()).root();
            StoreLedger ledger = new StoreLedger(store, run.id());
            PipelineRunner.RunResult r = PipelineRunner.builder(spec, runDir, ledger).baseDir(tmp).build().run();
            assertTrue(r.succeeded(), r.toString());
            assertTrue(r.stages().stream().allMatch(s -> s.mode() == PipelineRunner.Mode.FRESH), r.toString());

            List<DataRecord> answers = read(runDir.resolve("stages/answers/records.jsonl"));
            assertEquals(tasks.size(), answers.size(), "one answer per task");
            List<DataRecord> checked = read(runDir.resolve("stages/checked/records.jsonl"));
            assertTrue(checked.stream().allMatch(d -> d.scores().containsKey("sandbox-verifier")));
            long right = checked.stream().filter(d -> d.scores().get("sandbox-verifier").value() == 1).count();
            // The teacher errs at 0.3; the filter keeps exactly the answers the verifier passed.
            assertTrue(right > tasks.size() * 0.5 && right < tasks.size() * 0.9, "right answers: " + right);
            List<DataRecord> kept = read(runDir.resolve("stages/kept/records.jsonl"));
            assertEquals(right, kept.size());
            TaskWorld world = TaskWorld.standard();
            for (DataRecord d : kept) {
                Payload.Chat chat = (Payload.Chat) d.payload();
                var msgs = chat.messages().messages();
                assertTrue(world.verify(msgs.get(msgs.size() - 2).content(), msgs.getLast().content()), d.toString());
            }
            List<DataRecord> exported = read(tmp.resolve("out/train.jsonl"));
            assertEquals(read(runDir.resolve("stages/unique/records.jsonl")).size(), exported.size());
            assertEquals(tasks.size(), store.stage(run.id(), "answers").orElseThrow().counters().recordsIn());
            assertEquals(tasks.size() - right, store.stage(run.id(), "kept").orElseThrow().counters().rejected());

            // Running again finds every stage done with the same fingerprint: nothing is recomputed.
            PipelineRunner.RunResult again = PipelineRunner.builder(spec, runDir, ledger).baseDir(tmp).build().run();
            assertTrue(again.stages().stream().allMatch(s -> s.mode() == PipelineRunner.Mode.REUSED), again.toString());
            assertEquals(answers, read(runDir.resolve("stages/answers/records.jsonl")));

            // A changed filter recomputes the filter and what follows it, and reuses what comes before.
            PipelineSpec changed = spec(SPEC.replace("require: [sandbox-verifier]", "score: sandbox-verifier\n    max: 0"));
            PipelineRunner.RunResult third = PipelineRunner.builder(changed, runDir, ledger).baseDir(tmp).build().run();
            assertTrue(third.succeeded(), third.toString());
            var modes = third.stages().stream().collect(Collectors.toMap(PipelineRunner.StageResult::stage,
                    PipelineRunner.StageResult::mode));
            assertEquals(PipelineRunner.Mode.REUSED, modes.get("answers"));
            assertEquals(PipelineRunner.Mode.REUSED, modes.get("checked"));
            assertEquals(PipelineRunner.Mode.FRESH, modes.get("kept"));
            assertEquals(PipelineRunner.Mode.FRESH, modes.get("export"));
            assertEquals(tasks.size() - right, read(runDir.resolve("stages/kept/records.jsonl")).size(),
                    "now the wrong answers are kept");

            // A changed source file changes the source stage's fingerprint: everything is recomputed.
            Files.writeString(tmp.resolve("tasks.jsonl"), "{\"text\": \"What is 1 + 1?\"}\n",
                    java.nio.file.StandardOpenOption.APPEND);
            PipelineRunner.RunResult fourth = PipelineRunner.builder(changed, runDir, ledger).baseDir(tmp).build().run();
            assertTrue(fourth.stages().stream().allMatch(s -> s.mode() == PipelineRunner.Mode.FRESH), fourth.toString());
            assertEquals(tasks.size() + 1, read(runDir.resolve("stages/answers/records.jsonl")).size());
        }
    }

    @Test
    void aFailingStageFailsItsDownstreamAndNamesTheError() throws IOException {
        writeTasks(1);
        PipelineSpec spec = spec(SPEC.replace("path: tasks.jsonl", "path: missing.jsonl"));
        try (RunStore store = RunStore.open(tmp.resolve("runs"))) {
            RunRecord run = store.createRun(spec.name(), PipelineSpecs.toYaml(spec), "fp");
            PipelineRunner.RunResult r = PipelineRunner.builder(spec, store.runDirectory(run.id()).root(),
                    new StoreLedger(store, run.id())).baseDir(tmp).build().run();
            assertEquals(RunLedger.StageStatus.FAILED, r.status());
            var seeds = r.stages().getFirst();
            assertEquals(RunLedger.StageStatus.FAILED, seeds.status());
            assertTrue(seeds.error().contains("missing.jsonl"), seeds.error());
            var answers = r.stages().get(1);
            assertEquals(RunLedger.StageStatus.FAILED, answers.status());
            assertTrue(answers.error().contains("input stage 'seeds' failed"), answers.error());
        }
    }

    /**
     * A runner that finishes items out of order (here: last input first) uses keyed work items instead of in-order
     * progress; a failed attempt keeps what it committed and the resume does exactly the rest.
     */
    @Test
    void anOutOfOrderRunnerCommitsKeyedItemsAndAResumeDoesExactlyTheRest() throws IOException {
        List<Task> tasks = writeTasks(2);
        PipelineSpec spec = spec("""
                name: keyed
                stages:
                  - {name: seeds, kind: source, path: tasks.jsonl}
                  - {name: reversed, kind: filter, inputs: [seeds], score: quality, min: 0}
                """);
        class Reversed implements StageRunner {
            int failAfter;
            final List<String> ran = new ArrayList<>();

            @Override
            public String kind() {
                return "filter";
            }

            @Override
            public boolean barrier() {
                return false;
            }

            @Override
            public void run(StageContext ctx) {
                List<String> keys = new ArrayList<>();
                List<DataRecord> records = new ArrayList<>();
                try (StageContext.InputIterator it = ctx.allInputs()) {
                    while (it.hasNext()) {
                        records.add(it.next());
                        keys.add(it.key());
                    }
                }
                for (int i = records.size() - 1; i >= 0; i--) {
                    if (ctx.isDone(keys.get(i))) continue;
                    if (ran.size() == failAfter) throw new IllegalStateException("stopped after " + failAfter);
                    ran.add(keys.get(i));
                    if (i % 3 == 0) ctx.reject(keys.get(i));
                    else ctx.emit(keys.get(i), List.of(records.get(i)));
                }
            }
        }
        Reversed runner = new Reversed();
        runner.failAfter = 5;
        java.util.Map<String, StageRunner> runners = new java.util.HashMap<>(StageRunners.all());
        runners.put("filter", runner);
        try (RunStore store = RunStore.open(tmp.resolve("runs"))) {
            RunRecord run = store.createRun(spec.name(), PipelineSpecs.toYaml(spec), "fp");
            Path runDir = store.runDirectory(run.id()).root();
            StoreLedger ledger = new StoreLedger(store, run.id());
            PipelineRunner.RunResult first = PipelineRunner.builder(spec, runDir, ledger).baseDir(tmp).runners(runners)
                    .build().run();
            assertEquals(RunLedger.StageStatus.FAILED, first.status());
            assertEquals(5, store.doneKeys(run.id(), "reversed").size());

            runner.failAfter = Integer.MAX_VALUE;
            PipelineRunner.RunResult second = PipelineRunner.builder(spec, runDir, ledger).baseDir(tmp).runners(runners)
                    .build().run();
            assertTrue(second.succeeded(), second.toString());
            // Every input ran exactly once over both attempts, last first.
            assertEquals(tasks.size(), runner.ran.size());
            assertEquals(tasks.size(), new java.util.HashSet<>(runner.ran).size());
            assertEquals("0:" + (tasks.size() - 1), runner.ran.getFirst());
            assertEquals(tasks.size(), store.doneKeys(run.id(), "reversed").size());
            long rejected = java.util.stream.IntStream.range(0, tasks.size()).filter(i -> i % 3 == 0).count();
            var c = store.stage(run.id(), "reversed").orElseThrow().counters();
            assertEquals(tasks.size(), c.recordsIn());
            assertEquals(rejected, c.rejected());
            List<DataRecord> out = read(runDir.resolve("stages/reversed/records.jsonl"));
            assertEquals(tasks.size() - rejected, out.size());
            assertEquals(out.size(), c.recordsOut());
            assertEquals(out.size(), out.stream().map(DataRecord::id).distinct().count(), "nothing written twice");
        }
    }

    @Test
    void aSourceReadsAFolderOfDocumentsInChunks() throws IOException {
        Path docs = Files.createDirectories(tmp.resolve("docs/sub"));
        Files.writeString(tmp.resolve("docs/a.md"), "# A\n\n" + "alpha words here. ".repeat(40));
        Files.writeString(docs.resolve("b.md"), "# B\n\nshort");
        Files.writeString(docs.resolve("c.txt"), "not included");
        PipelineSpec spec = spec("""
                name: docs
                stages:
                  - {name: docs, kind: source, path: docs, include: ["**/*.md"], chunk_chars: 300, chunk_overlap: 0}
                """);
        try (RunStore store = RunStore.open(tmp.resolve("runs"))) {
            RunRecord run = store.createRun(spec.name(), PipelineSpecs.toYaml(spec), "fp");
            Path runDir = store.runDirectory(run.id()).root();
            assertTrue(PipelineRunner.builder(spec, runDir, new StoreLedger(store, run.id())).baseDir(tmp).build().run()
                    .succeeded());
            List<DataRecord> chunks = read(runDir.resolve("stages/docs/records.jsonl"));
            // a.md (~730 characters) splits into several chunks of at most 300; b.md is one; c.txt is not included.
            assertTrue(chunks.size() >= 4, chunks.toString());
            for (DataRecord c : chunks) {
                String text = ((Payload.Text) c.payload()).text();
                assertTrue(text.length() <= 300 && !text.contains("not included"), text);
            }
            assertTrue(chunks.stream().anyMatch(c -> ((Payload.Text) c.payload()).text().contains("short")));
        }
    }
}
