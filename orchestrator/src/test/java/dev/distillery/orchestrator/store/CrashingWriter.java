package dev.distillery.orchestrator.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The child process of {@link CrashRecoveryTest}: resumes stage "generate" of a run the way the executor will (skip
 * done items, process the rest from four threads), and prints {@code done <key>} only after the store returned.
 * The test kills it with SIGKILL at a random moment and checks the database against what was printed.
 */
public final class CrashingWriter {

    static final String STAGE = "generate";
    static final String SECRET_ENV = "DISTILLERY_CRASH_TEST_API_KEY";
    static final int ITEMS = 1_000_000;

    public static void main(String[] args) throws Exception {
        Path workspace = Path.of(args[0]);
        String runId = args[1];
        String secret = System.getenv(SECRET_ENV);
        int threads = 4;
        try (RunStore store = RunStore.open(workspace); // masks with the real process environment
             RunLog log = store.runDirectory(runId).openLog()) {
            Set<String> done = store.doneKeys(runId, STAGE);
            System.out.println("resumed " + done.size());
            System.out.flush();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (int t = 0; t < threads; t++) {
                    int lane = t;
                    pool.submit(() -> {
                        for (int i = lane; i < ITEMS; i += threads) {
                            String key = "item-" + i;
                            if (done.contains(key)) {
                                continue;
                            }
                            store.addCounters(runId, STAGE, Counters.tokens(10, 5, 1));
                            store.markItemDone(runId, STAGE, key, List.of("rec-" + i), Counters.in(1).plus(Counters.out(1)));
                            store.appendEvent(runId, STAGE, "item", Map.of("key", key, "note", "called with " + secret));
                            log.info(STAGE, key + " done, Authorization: Bearer " + secret);
                            synchronized (System.out) {
                                System.out.println("done " + key);
                                System.out.flush();
                            }
                        }
                        return null;
                    });
                }
            }
        }
    }
}
