package dev.distillery.orchestrator.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunStoreTest {

    @TempDir
    Path workspace;

    private RunStore open() {
        return RunStore.builder(workspace).secrets(Secrets.of(Map.of())).open();
    }

    @Test
    void migratesAFreshWorkspaceOnceAndReopensWithoutMigratingAgain() throws Exception {
        String runId;
        try (RunStore store = open()) {
            runId = store.createRun("first", "name: first\n", "fp").id();
        }
        assertTrue(Files.exists(workspace.resolve("distillery.mv.db")), "database file in the workspace");
        List<String> history = schemaHistory();
        assertEquals(1, history.stream().filter(row -> row.equals("1:true")).count(), history.toString());
        assertTrue(history.stream().allMatch(row -> row.endsWith(":true")), history.toString());
        try (RunStore store = open()) {
            assertEquals("first", store.run(runId).orElseThrow().name(), "data survives a reopen");
        }
        assertEquals(history, schemaHistory(), "reopening applies no migration twice");
    }

    private List<String> schemaHistory() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + workspace.resolve("distillery")
                + ";FILE_LOCK=FS", "distillery", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" ORDER BY \"installed_rank\"")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + ":" + rs.getBoolean(2));
            }
            return rows;
        }
    }

    @Test
    void everyMigrationInTheFolderIsListed() throws Exception {
        URI folder = getClass().getClassLoader().getResource(Migrations.LOCATION).toURI();
        try (Stream<Path> files = Files.list(Path.of(folder))) {
            assertEquals(Set.copyOf(Migrations.FILES), Set.copyOf(files.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void runsAreCreatedMarkedResumedAndListedNewestFirst() throws Exception {
        try (RunStore store = open()) {
            RunRecord a = store.createRun("SFT on docs!", "stages: []\n", "fp-a");
            assertTrue(a.id().matches("\\d{8}-\\d{6}-sft-on-docs-[0-9a-f]{6}"), a.id());
            assertEquals(RunStatus.PENDING, a.status());
            assertEquals(workspace.resolve(a.id()), a.runDir());
            assertTrue(Files.isDirectory(a.runDir().resolve("stages")));
            assertTrue(Files.isDirectory(a.runDir().resolve("logs")));
            assertEquals("stages: []\n", Files.readString(a.runDir().resolve("spec.yaml")).replace("\r", ""));

            RunRecord running = store.markRun(a.id(), RunStatus.RUNNING, null);
            assertNotNull(running.startedAt());
            assertNull(running.finishedAt());
            RunRecord failed = store.markRun(a.id(), RunStatus.FAILED, "stage generate: boom");
            assertEquals(RunStatus.FAILED, failed.status());
            assertNotNull(failed.finishedAt());
            assertEquals("stage generate: boom", failed.error());
            RunRecord resumed = store.markRun(a.id(), RunStatus.RUNNING, null);
            assertEquals(running.startedAt(), resumed.startedAt(), "a resume keeps the first start");
            assertNull(resumed.finishedAt());
            assertNull(resumed.error());

            RunRecord b = store.createRun("second", "", "fp-b");
            assertEquals(List.of(b.id(), a.id()), store.listRuns().stream().map(RunRecord::id).toList());
            assertTrue(store.run("no-such-run").isEmpty());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.markRun("no-such-run", RunStatus.RUNNING, null));
            assertTrue(e.getMessage().contains("no-such-run"), e.getMessage());
        }
    }

    @Test
    void stagesKeepTheirStateForTheSameFingerprintAndResetWhenItChanges() {
        try (RunStore store = open()) {
            String run = store.createRun("r", "", "fp").id();
            StageRecord s = store.upsertStage(run, "generate", "flow", "fp-1");
            assertEquals(StageStatus.PENDING, s.status());
            assertEquals(Counters.ZERO, s.counters());
            store.markStage(run, "generate", StageStatus.RUNNING, null);
            assertTrue(store.markItemDone(run, "generate", "doc-1", List.of("r1"), Counters.in(1).plus(Counters.out(1))));

            StageRecord same = store.upsertStage(run, "generate", "flow", "fp-1");
            assertEquals(StageStatus.RUNNING, same.status(), "same fingerprint: a resume keeps state");
            assertEquals(1, same.counters().recordsOut());
            assertTrue(store.isDone(run, "generate", "doc-1"));

            StageRecord changed = store.upsertStage(run, "generate", "flow", "fp-2");
            assertEquals(StageStatus.PENDING, changed.status(), "changed inputs or spec: start over");
            assertEquals(Counters.ZERO, changed.counters());
            assertEquals("fp-2", changed.fingerprint());
            assertFalse(store.isDone(run, "generate", "doc-1"), "items done for the old inputs are forgotten");

            StageRecord done = store.markStage(run, "generate", StageStatus.SUCCEEDED, null);
            assertNotNull(done.finishedAt());
            store.upsertStage(run, "judge", "judge", "fp-j");
            StageRecord failed = store.markStage(run, "judge", StageStatus.FAILED, "judge unreachable");
            assertEquals("judge unreachable", failed.error());
            assertEquals(List.of("generate", "judge"), store.stages(run).stream().map(StageRecord::name).toList());

            String other = store.createRun("r2", "", "fp").id();
            assertEquals(run, store.latestSucceededStage("fp-2").orElseThrow().runId(), "reusable by a later run");
            assertTrue(store.latestSucceededStage("fp-j").isEmpty(), "a failed stage is not reusable");
            assertTrue(store.stage(other, "generate").isEmpty());
            assertThrows(IllegalArgumentException.class, () -> store.markStage(other, "generate", StageStatus.RUNNING, null));
            assertThrows(IllegalArgumentException.class, () -> store.upsertStage(run, "../escape", "flow", "fp"));
        }
    }

    @Test
    void countersAddedFromManyThreadsSumExactly() throws Exception {
        int threads = 8;
        int perThread = 5_000;
        try (RunStore store = open()) {
            String run = store.createRun("r", "", "fp").id();
            store.upsertStage(run, "generate", "flow", "fp");
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            store.addCounters(run, "generate", Counters.in(1).plus(Counters.tokens(3, 2, 7)));
                            if (i % 1000 == 0) {
                                store.stage(run, "generate"); // reads interleaved with increments
                            }
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            }
            long n = (long) threads * perThread;
            Counters c = store.stage(run, "generate").orElseThrow().counters();
            assertEquals(new Counters(n, 0, 0, 0, 3 * n, 2 * n, 7 * n), c);
            assertThrows(IllegalArgumentException.class, () -> store.addCounters(run, "nope", Counters.in(1)));
            store.addCounters(run, "generate", Counters.rejected(2));
        }
        try (RunStore store = open()) {
            String run = store.listRuns().getFirst().id();
            assertEquals(2, store.stage(run, "generate").orElseThrow().counters().rejected(),
                    "close() writes increments still in memory");
        }
    }

    @Test
    void workItemsAreDoneOnceWithTheirOutputsAndCounters() throws Exception {
        try (RunStore store = open()) {
            String run = store.createRun("r", "", "fp").id();
            store.upsertStage(run, "generate", "flow", "fp");
            assertTrue(store.markItemDone(run, "generate", "doc-1", List.of("a", "b"), Counters.in(1).plus(Counters.out(2))));
            assertFalse(store.markItemDone(run, "generate", "doc-1", List.of("a", "b"), Counters.in(1).plus(Counters.out(2))),
                    "a repeated mark changes nothing");
            assertEquals(new Counters(1, 2, 0, 0, 0, 0, 0), store.stage(run, "generate").orElseThrow().counters());
            assertThrows(IllegalArgumentException.class,
                    () -> store.markItemDone(run, "unknown-stage", "doc-1", List.of(), Counters.ZERO));

            List<CompletableFuture<Boolean>> futures = IntStream.range(2, 302)
                    .mapToObj(i -> store.markItemDoneAsync(run, "generate", "doc-" + i, List.of("r" + i), Counters.in(1)))
                    .toList();
            futures.forEach(f -> assertTrue(f.join()));
            assertEquals(301, store.doneKeys(run, "generate").size());
            assertTrue(store.isDone(run, "generate", "doc-150"));
            assertFalse(store.isDone(run, "generate", "doc-999"));
            WorkItem first = store.doneItems(run, "generate").stream().filter(w -> w.itemKey().equals("doc-1")).findFirst().orElseThrow();
            assertEquals(List.of("a", "b"), first.outputIds());
            assertEquals(301, store.stage(run, "generate").orElseThrow().counters().recordsIn());
            assertTrue(store.doneKeys(run, "other").isEmpty());
            assertTrue(store.markItemDone(run, "generate", "no-output"));
            assertEquals(List.of(), store.doneItems(run, "generate").stream()
                    .filter(w -> w.itemKey().equals("no-output")).findFirst().orElseThrow().outputIds());
        }
    }

    @Test
    void eventsReplayInOrderPerRunFromAnySequenceNumber() {
        try (RunStore store = open()) {
            String a = store.createRun("a", "", "fp").id();
            String b = store.createRun("b", "", "fp").id();
            List<Long> seqA = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                seqA.add(store.appendEvent(a, i % 2 == 0 ? "generate" : null, "progress", Map.of("i", i)).seq());
                store.appendEvent(b, null, "progress", Map.of("i", 100 + i));
            }
            List<EventRecord> all = store.eventsSince(a, 0, 100);
            assertEquals(seqA, all.stream().map(EventRecord::seq).toList());
            assertEquals(IntStream.range(0, 10).boxed().toList(),
                    all.stream().map(e -> parse(e.payloadJson()).get("i").asInt()).toList());
            assertEquals("generate", all.get(0).stage());
            assertNull(all.get(1).stage());

            List<EventRecord> page1 = store.eventsSince(a, 0, 4);
            List<EventRecord> page2 = store.eventsSince(a, page1.getLast().seq(), 4);
            List<EventRecord> page3 = store.eventsSince(a, page2.getLast().seq(), 4);
            assertEquals(seqA, Stream.of(page1, page2, page3).flatMap(List::stream).map(EventRecord::seq).toList(),
                    "paging by last seen seq (SSE Last-Event-ID) misses and repeats nothing");
            assertTrue(store.eventsSince(a, seqA.getLast(), 10).isEmpty());
            assertEquals(all, store.eventsSince(a, 0));
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void metricSeriesAreOrderedByStepAndARepeatedStepReplacesThePoint() {
        try (RunStore store = open()) {
            String run = store.createRun("r", "", "fp").id();
            store.appendMetric(run, "sft", "loss", 2, 1.5);
            store.appendMetric(run, "sft", "loss", 1, 2.0);
            store.appendMetric(run, "sft", "loss", 3, 1.2);
            store.appendMetric(run, "sft", "loss", 2, 1.4); // resumed trainer repeats step 2
            store.appendMetric(run, "sft", "lr", 1, 1e-4);
            store.appendMetric(run, null, "accuracy", 1, 0.5);
            List<MetricPoint> loss = store.metrics(run, "sft", "loss");
            assertEquals(List.of(1L, 2L, 3L), loss.stream().map(MetricPoint::step).toList());
            assertEquals(List.of(2.0, 1.4, 1.2), loss.stream().map(MetricPoint::value).toList());
            assertEquals(1, store.metrics(run, "sft", "lr").size());
            assertEquals(0.5, store.metrics(run, null, "accuracy").getFirst().value());
            assertTrue(store.metrics(run, "dpo", "loss").isEmpty());
        }
    }

    @Test
    void callCacheEntriesPersistAcrossReopen() {
        String response = "{\"choices\":[{\"message\":{\"content\":\"4\"},\"logprobs\":{\"content\":[{\"token\":\"4\",\"logprob\":-0.01}]}}]}";
        try (RunStore store = open()) {
            CallCacheRepository cache = store.callCache();
            assertTrue(cache.get("k1").isEmpty());
            cache.put("k1", new CallCacheEntry("gpt-test", response, 12, 1, null));
            cache.put("k2", new CallCacheEntry("gpt-test", "{}", 1, 1, null));
            cache.put("k2", new CallCacheEntry("gpt-test", "{\"v\":2}", 2, 2, null));
            assertEquals(2, cache.size());
        }
        try (RunStore store = open()) {
            CallCacheEntry e = store.callCache().get("k1").orElseThrow();
            assertEquals(response, e.responseJson(), "a response's \"token\" fields are data and stay untouched");
            assertEquals(12, e.tokensIn());
            assertNotNull(e.createdAt());
            assertEquals("{\"v\":2}", store.callCache().get("k2").orElseThrow().responseJson());
        }
    }

    @Test
    void closedStoreRefusesWork() {
        RunStore store = open();
        String run = store.createRun("r", "", "fp").id();
        store.close();
        store.close();
        assertThrows(RunStoreException.class, () -> store.run(run));
        assertThrows(RunStoreException.class, () -> store.appendMetric(run, null, "x", 1, 1));
    }

    @Test
    void fingerprintsIgnoreKeyOrderAndNumberFormButNotContentOrInputs() {
        Map<String, Object> a = Map.of("flow", "self-instruct", "params", Map.of("n", 2, "temperature", 0.7));
        JsonNode b = parse("{\"params\":{\"temperature\":0.70,\"n\":2.0},\"flow\":\"self-instruct\"}");
        assertEquals(Fingerprints.stage(a, List.of("in")), Fingerprints.stage(b, List.of("in")));
        assertNotEquals(Fingerprints.stage(a, List.of("in")), Fingerprints.stage(a, List.of("in2")));
        assertNotEquals(Fingerprints.stage(a, List.of("x", "y")), Fingerprints.stage(a, List.of("y", "x")));
        Map<String, Object> c = Map.of("flow", "self-instruct", "params", Map.of("n", 3, "temperature", 0.7));
        assertNotEquals(Fingerprints.stage(a, List.of()), Fingerprints.stage(c, List.of()));
        assertEquals(64, Fingerprints.spec(a).length());
    }
}
