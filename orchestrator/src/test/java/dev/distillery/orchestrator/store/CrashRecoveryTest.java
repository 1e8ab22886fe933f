package dev.distillery.orchestrator.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGKILLs a writing child JVM at random moments and checks that the store lost, duplicated and corrupted nothing. */
class CrashRecoveryTest {

    @TempDir
    Path tmp;

    @Test
    void aRunKilledAtRandomMomentsResumesWithNoItemLostOrDuplicated() throws Exception {
        Path workspace = tmp.resolve("runs");
        String secret = "sk-crash-" + Long.toHexString(new Random().nextLong()) + "-do-not-persist";
        String runId;
        try (RunStore store = RunStore.builder(workspace).secrets(Secrets.of(Map.of())).open()) {
            runId = store.createRun("crash", "name: crash\n", "fp").id();
            store.upsertStage(runId, CrashingWriter.STAGE, "flow", "fp-generate");
        }

        long seed = System.nanoTime();
        Random random = new Random(seed);
        Set<String> printed = new HashSet<>();
        boolean replayed = false;
        for (int trial = 0; trial < 3; trial++) {
            Process child = start(workspace, runId, secret, tmp.resolve("child-" + trial + ".err"));
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (Exception ignored) {
                    // the pipe breaks when the child is killed
                }
            });
            int target = 20 + random.nextInt(300);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines.stream().filter(l -> l.startsWith("done ")).count() < target && child.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(child.isAlive(), "child exited early (seed " + seed + "), see " + tmp.resolve("child-" + trial + ".err"));
            if (trial == 0) {
                RunStoreException busy = assertThrows(RunStoreException.class,
                        () -> RunStore.builder(workspace).lockWait(Duration.ofMillis(200)).open());
                assertTrue(busy.getMessage().contains("in use by another process"), busy.getMessage());
            }
            Thread.sleep(random.nextInt(40)); // land somewhere inside a write, not just after a print
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            reader.join();
            // Commits H2 had not written yet are only in the journal: non-empty means the reopen must replay it.
            replayed |= Files.size(workspace.resolve(RunStore.JOURNAL_NAME)) > 0;
            lines.stream().filter(l -> l.startsWith("done ")).map(l -> l.substring(5)).forEach(printed::add);
        }

        assertTrue(replayed, "no kill left a journal to replay, so recovery was not exercised (seed " + seed + ")");
        try (RunStore store = RunStore.builder(workspace).secrets(Secrets.of(Map.of())).open()) {
            List<WorkItem> items = store.doneItems(runId, CrashingWriter.STAGE);
            List<String> keys = items.stream().map(WorkItem::itemKey).toList();
            Set<String> unique = new HashSet<>(keys);
            assertEquals(keys.size(), unique.size(), "no item recorded twice");
            List<String> lost = printed.stream().filter(k -> !unique.contains(k)).sorted().toList();
            assertTrue(lost.isEmpty(), "items the store had confirmed were lost: " + lost + " (seed " + seed + ")");
            assertTrue(items.size() >= printed.size());
            for (WorkItem item : items) {
                assertEquals(List.of("rec-" + item.itemKey().substring(5)), item.outputIds());
            }
            Counters counters = store.stage(runId, CrashingWriter.STAGE).orElseThrow().counters();
            assertEquals(items.size(), counters.recordsIn(), "item counters commit with their item: exact after kills");
            assertEquals(items.size(), counters.recordsOut());

            Map<String, Integer> eventsPerKey = new HashMap<>();
            List<EventRecord> events = new ArrayList<>();
            for (List<EventRecord> page; !(page = store.eventsSince(runId, events.isEmpty() ? 0 : events.getLast().seq(), 500)).isEmpty(); ) {
                events.addAll(page);
            }
            for (EventRecord e : events) {
                JsonNode payload = Json.MAPPER.readTree(e.payloadJson());
                eventsPerKey.merge(payload.get("key").asText(), 1, Integer::sum);
                assertTrue(payload.get("note").asText().endsWith(Secrets.MASK), payload.toString());
            }
            assertTrue(eventsPerKey.values().stream().allMatch(n -> n == 1), "no event written twice");
            printed.forEach(k -> assertEquals(1, eventsPerKey.getOrDefault(k, 0), "event of confirmed item " + k));
            long next = store.appendEvent(runId, null, "resumed", Map.of()).seq();
            assertTrue(next > events.getLast().seq(), "new events continue after the replayed ones");
        }
        SecretsTest.assertAbsentFromEveryFile(workspace, secret);
    }

    private static Process start(Path workspace, String runId, String secret, Path stderr) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), workspace.toString(), runId);
        pb.environment().put(CrashingWriter.SECRET_ENV, secret);
        pb.redirectError(stderr.toFile());
        return pb.start();
    }
}
