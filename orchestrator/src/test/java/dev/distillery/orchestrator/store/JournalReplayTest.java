package dev.distillery.orchestrator.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays a journal such as a killed process leaves (entries H2 had already written, entries it had not, entries of a
 * stage whose inputs changed since, a torn last line) and checks each is applied exactly once or dropped. The
 * SIGKILL test reaches these branches only by chance; this one reaches all of them every time.
 */
class JournalReplayTest {

    @TempDir
    Path workspace;

    @Test
    void replayAppliesMissingEntriesOnceAndDropsStaleAndTornOnes() throws Exception {
        String run;
        long firstSeq;
        try (RunStore store = open()) {
            run = store.createRun("replay", "", "fp").id();
            store.upsertStage(run, "generate", "flow", "fp-1");
            store.markItemDone(run, "generate", "item-a", List.of("rec-a"), Counters.in(1));
            firstSeq = store.appendEvent(run, "generate", "progress", Map.of("n", 1)).seq();
        }
        Path journal = workspace.resolve(RunStore.JOURNAL_NAME);
        assertEquals(0, Files.size(journal), "a clean close leaves nothing to replay");

        long replayedSeq = firstSeq + 100;
        String lines = String.join("\n",
                item(run, "fp-1", "item-a"), // already in the database: skipped, its counters not added again
                item(run, "fp-1", "item-b"), // confirmed but never written by H2: applied
                item(run, "fp-old", "item-c"), // journaled before the stage's inputs changed: dropped
                "{\"t\":\"event\",\"seq\":" + replayedSeq + ",\"run\":\"" + run + "\",\"stage\":null,"
                        + "\"at\":\"2026-11-26T10:00:00Z\",\"type\":\"progress\",\"payload\":\"{\\\"n\\\":2}\"}",
                "{\"t\":\"metric\",\"run\":\"" + run + "\",\"stage\":\"sft\",\"series\":\"loss\",\"step\":7,"
                        + "\"value\":0.25,\"at\":\"2026-11-26T10:00:00Z\"}",
                "{\"t\":\"cache\",\"key\":\"k1\",\"model\":\"m\",\"response\":\"{}\",\"in\":3,\"out\":4,"
                        + "\"at\":\"2026-11-26T10:00:00Z\"}")
                + "\n" + item(run, "fp-1", "item-torn").substring(0, 40); // the kill hit mid-write
        Files.writeString(journal, lines);

        try (RunStore store = open()) {
            assertEquals(0, Files.size(journal), "replayed entries are checkpointed and the journal emptied");
            assertEquals(Set.of("item-a", "item-b"), store.doneKeys(run, "generate"));
            assertEquals(2, store.stage(run, "generate").orElseThrow().counters().recordsIn(),
                    "each item's counters count once");
            List<EventRecord> events = store.eventsSince(run, 0);
            assertEquals(List.of(firstSeq, replayedSeq), events.stream().map(EventRecord::seq).toList());
            assertTrue(store.appendEvent(run, null, "resumed", Map.of()).seq() > replayedSeq,
                    "the identity continues after replayed sequence numbers");
            assertEquals(0.25, store.metrics(run, "sft", "loss").getFirst().value());
            assertEquals(3, store.callCache().get("k1").orElseThrow().tokensIn());
        }
    }

    @Test
    void progressEntriesCarryAbsoluteCountsSoReplayingThemTwiceChangesNothing() throws Exception {
        String run;
        try (RunStore store = open()) {
            run = store.createRun("progress", "", "fp").id();
            store.upsertStage(run, "keep", "filter", "fp-1");
            store.commitProgress(run, "keep", new Counters(256, 130, 126, 0, 0, 0, 0));
            store.commitProgress(run, "keep", new Counters(256, 120, 136, 0, 0, 0, 0));
            assertEquals(new Counters(512, 250, 262, 0, 0, 0, 0), store.stage(run, "keep").orElseThrow().counters());
        }
        Path journal = workspace.resolve(RunStore.JOURNAL_NAME);
        // What a process killed after three more commits leaves: the database has the first two (checkpointed at
        // close), the journal the last ones, one of them already applied, and an entry of the stage's old inputs.
        Files.writeString(journal, String.join("\n",
                progress(run, "fp-1", 512, 250, 262, 0),    // already in the database
                progress(run, "fp-1", 768, 377, 391, 0),    // confirmed, never written by H2
                progress(run, "fp-1", 1000, 500, 495, 5),   // the last commit before the kill
                progress(run, "fp-old", 9999, 9999, 0, 0),  // before the stage's inputs changed: dropped
                progress(run, "fp-1", 768, 377, 391, 0)) + "\n"); // an older entry after a newer one changes nothing
        try (RunStore store = open()) {
            assertEquals(0, Files.size(journal));
            assertEquals(new Counters(1000, 500, 495, 5, 0, 0, 0), store.stage(run, "keep").orElseThrow().counters());
            assertEquals(Set.of(), store.doneKeys(run, "keep"), "in-order progress writes no work-item rows");
        }
    }

    private static String progress(String run, String fingerprint, long in, long out, long rejected, long dead) {
        return "{\"t\":\"progress\",\"run\":\"" + run + "\",\"stage\":\"keep\",\"fp\":\"" + fingerprint
                + "\",\"in\":" + in + ",\"out\":" + out + ",\"rejected\":" + rejected + ",\"dead\":" + dead + "}";
    }

    private RunStore open() {
        return RunStore.builder(workspace).secrets(Secrets.of(Map.of())).open();
    }

    private static String item(String run, String fingerprint, String key) {
        return "{\"t\":\"item\",\"run\":\"" + run + "\",\"stage\":\"generate\",\"fp\":\"" + fingerprint + "\",\"key\":\""
                + key + "\",\"at\":\"2026-11-26T10:00:00Z\",\"ids\":[\"rec-" + key + "\"],\"d\":[1,0,0,0,0,0,0]}";
    }
}
