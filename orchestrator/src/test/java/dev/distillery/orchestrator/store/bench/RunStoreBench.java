package dev.distillery.orchestrator.store.bench;

import dev.distillery.orchestrator.store.Counters;
import dev.distillery.orchestrator.store.RunStore;
import dev.distillery.orchestrator.store.Secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * What the executor pays per record for the run store: batched counter increments and durable {@code markItemDone}
 * (single caller, many concurrent callers sharing group commits, pipelined async), against a baseline measured in the
 * same run: the same number of appends of the same line to a plain file, each written to the OS (no fsync), which is
 * the durability H2 gives with {@code WRITE_DELAY=0} (survives SIGKILL, not power loss).
 *
 * <p>It lives in orchestrator's test sources because the bench module does not depend on the Quarkus app module.
 * Run: {@code ./mvnw -B -o -q -pl orchestrator -am test-compile} and then
 * {@code java -cp orchestrator/target/test-classes:orchestrator/target/classes:$(cat cp.txt) dev.distillery.orchestrator.store.bench.RunStoreBench [items]}
 * with {@code cp.txt} from {@code ./mvnw -B -o -q -pl orchestrator dependency:build-classpath -Dmdep.outputFile=cp.txt}.
 */
public final class RunStoreBench {

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 4_000;
        int counterIncrements = 2_000_000;
        Path root = Files.createTempDirectory("run-store-bench");
        try {
            System.out.printf("RunStoreBench: %d items, %d counter increments, %d cores, %s%n", items, counterIncrements,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));

            fileAppends(root.resolve("warmup.log"), items / 4);
            double fileRate = fileAppends(root.resolve("baseline.log"), items);
            System.out.printf("baseline  file append + write per record (no fsync): %,12.0f /s%n", fileRate);

            try (RunStore store = RunStore.builder(root.resolve("ws")).secrets(Secrets.of(Map.of())).open()) {
                String run = store.createRun("bench", "name: bench\n", "fp").id();
                store.upsertStage(run, "generate", "flow", "fp");

                counters(store, run, counterIncrements / 10, 1);
                double c1 = counters(store, run, counterIncrements, 1);
                double c4 = counters(store, run, counterIncrements, 4);
                report("addCounters, 1 thread", c1, fileRate);
                report("addCounters, 4 threads", c4, fileRate);

                markDone(store, run, "warm", items / 4, 1);
                double d1 = markDone(store, run, "one", items, 1);
                report("markItemDone, 1 thread (1 commit each)", d1, fileRate);
                double d16 = markDone(store, run, "sixteen", items, 16);
                report("markItemDone, 16 threads (group commit)", d16, fileRate);
                double da = markDoneAsync(store, run, "async", items, 256);
                report("markItemDoneAsync, 256 in flight", da, fileRate);
                double e1 = events(store, run, items);
                report("appendEvent, 1 thread", e1, fileRate);
            }
            long dbBytes = Files.size(root.resolve("ws").resolve(RunStore.DATABASE_NAME + ".mv.db"));
            System.out.printf("database file after %,d items and %,d events: %,d KB (closed)%n", items * 3 + items / 4, items,
                    dbBytes / 1024);
        } finally {
            deleteTree(root);
        }
    }

    private static void report(String what, double rate, double baseline) {
        System.out.printf("run store %-46s %,12.0f /s  = %.2fx baseline%n", what + ":", rate, rate / baseline);
    }

    private static double fileAppends(Path file, int n) throws IOException {
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < n; i++) {
                ByteBuffer line = ByteBuffer.wrap(("{\"run\":\"bench\",\"stage\":\"generate\",\"item\":\"item-" + i
                        + "\",\"outputs\":[\"rec-" + i + "\"]}\n").getBytes(StandardCharsets.UTF_8));
                while (line.hasRemaining()) {
                    ch.write(line);
                }
            }
        }
        return n / seconds(t0);
    }

    private static double counters(RunStore store, String run, int n, int threads) throws Exception {
        Counters delta = Counters.in(1).plus(Counters.tokens(120, 40, 3));
        long t0 = System.nanoTime();
        runThreads(threads, t -> {
            for (int i = t; i < n; i += threads) {
                store.addCounters(run, "generate", delta);
            }
        });
        store.flushCounters();
        return n / seconds(t0);
    }

    private static double markDone(RunStore store, String run, String prefix, int n, int threads) throws Exception {
        long t0 = System.nanoTime();
        runThreads(threads, t -> {
            for (int i = t; i < n; i += threads) {
                store.markItemDone(run, "generate", prefix + "-" + i, List.of("rec-" + i), Counters.out(1));
            }
        });
        return n / seconds(t0);
    }

    private static double markDoneAsync(RunStore store, String run, String prefix, int n, int window) {
        long t0 = System.nanoTime();
        List<CompletableFuture<Boolean>> inFlight = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.add(store.markItemDoneAsync(run, "generate", prefix + "-" + i, List.of("rec-" + i), Counters.out(1)));
            if (inFlight.size() == window) {
                inFlight.getFirst().join();
                inFlight.removeFirst();
            }
        }
        inFlight.forEach(CompletableFuture::join);
        return n / seconds(t0);
    }

    private static double events(RunStore store, String run, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            store.appendEvent(run, "generate", "progress", Map.of("done", i, "total", n));
        }
        return n / seconds(t0);
    }

    private interface Lane {
        void run(int lane) throws Exception;
    }

    private static void runThreads(int threads, Lane lane) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    lane.run(id);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
