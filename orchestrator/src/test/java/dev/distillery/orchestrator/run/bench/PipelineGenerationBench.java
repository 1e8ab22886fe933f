package dev.distillery.orchestrator.run.bench;

import dev.distillery.datasets.json.Json;
import dev.distillery.generators.model.ModelAccess;
import dev.distillery.generators.model.ProviderSpec;
import dev.distillery.generators.model.accounting.UsageLedger;
import dev.distillery.generators.model.cache.CallCacheStore;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.orchestrator.runs.PipelineRuns;
import dev.distillery.orchestrator.store.RunStore;
import dev.langchain4j.model.chat.ChatModel;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The generators issue's throughput figure (≥ 95% of what the server allows) measured through a whole pipeline:
 * {@code source → flow (responses) → export} run by {@link PipelineRuns} (executor, run store with its call cache,
 * model access from the spec) against an OpenAI-compatible server answering in 200 ms, with 64 calls in flight, so
 * the ceiling is 64 / 0.2 s = 320 req/s. Baseline, in the same run and against the same server: a plain loop of 64
 * virtual threads calling one {@link ModelAccess} stack (no executor, no run store) with the same limiter settings.
 *
 * <p>Two limiter settings, each measured on both sides (baseline first, then the pipeline, each on its own prompts:
 * nothing comes from a cache): the default, where AIMD starts at min(8, max_concurrency) and grows by one per round
 * of answers (from 8 to 64 takes about 2,000 answers), and {@code initial_concurrency: 64}, which starts at the
 * maximum. The pipeline's rate is printed for the whole run and for its steady state (the middle 80% of the
 * answers, counted at the server). Run it (see docs/benchmarks.md for the classpath):
 *
 * <pre>java -cp ... dev.distillery.orchestrator.run.bench.PipelineGenerationBench 4000 [both|default|64|limited]</pre>
 *
 * {@code limited}: the server also allows only 100 req/s (429 with {@code Retry-After} beyond it), AIMD from 8.
 */
public final class PipelineGenerationBench {

    static final int IN_FLIGHT = 64;
    /** Milliseconds per answer; {@code -Dbench.latency-ms=50} changes it. */
    static final int LATENCY_MS = Integer.getInteger("bench.latency-ms", 200);
    static final int LIMIT = 100;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        String which = args.length > 1 ? args[1] : "both";
        // "limited": the server also allows only LIMIT req/s (token bucket, burst 10, 429 with Retry-After beyond it).
        boolean limited = which.equals("limited");
        double ceiling = limited ? LIMIT : IN_FLIGHT * 1000.0 / LATENCY_MS;
        System.out.printf(Locale.ROOT, "PipelineGenerationBench: %,d records, %d ms server%s, %d in flight (ceiling %.0f req/s), "
                        + "%d cores, %s, load average at start %.1f%n", n, LATENCY_MS,
                limited ? ", limited to " + LIMIT + " req/s" : "", IN_FLIGHT, ceiling,
                Runtime.getRuntime().availableProcessors(), Runtime.version(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path tmp = Files.createTempDirectory("distillery-generation-bench");
        OpenAiTestServer.Builder settings = OpenAiTestServer.builder().latency(Duration.ofMillis(LATENCY_MS))
                .responder(r -> "The answer to '" + r.prompt() + "' in a few words.");
        if (limited) settings.rateLimit(LIMIT, 10);
        try (OpenAiTestServer server = settings.start()) {
            // Warm-up of both paths (JIT, connections), not counted.
            baseline(server, "warm", Math.min(n, 1000), IN_FLIGHT);
            pipeline(server, tmp, "warm", Math.min(n, 1000), IN_FLIGHT);
            Integer[] initials = switch (which) {
                case "default", "limited" -> new Integer[] {null};
                case "64" -> new Integer[] {IN_FLIGHT};
                default -> new Integer[] {null, IN_FLIGHT};
            };
            double[] base = new double[initials.length];
            Result[] pipe = new Result[initials.length];
            for (int c = 0; c < initials.length; c++) {
                int initial = initials[c] == null ? Math.min(8, IN_FLIGHT) : initials[c];
                base[c] = baseline(server, "base" + c, n, initial);
                pipe[c] = pipeline(server, tmp, "pipe" + c, n, initials[c]);
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%-66s %9s %10s%n", "", "req/s", "of ceiling");
            for (int c = 0; c < initials.length; c++) {
                String setting = initials[c] == null ? "AIMD from 8 (default)" : "initial_concurrency: " + initials[c];
                System.out.printf(Locale.ROOT, "%s%n", setting);
                System.out.printf(Locale.ROOT, "  %-64s %9.1f %9.1f%%%n", "baseline: ModelAccess loop, 64 virtual threads",
                        base[c], 100 * base[c] / ceiling);
                System.out.printf(Locale.ROOT, "  %-64s %9.1f %9.1f%%   %.3fx baseline%n",
                        "pipeline: source -> flow (responses) -> export, whole run",
                        pipe[c].wholeRun, 100 * pipe[c].wholeRun / ceiling, pipe[c].wholeRun / base[c]);
                System.out.printf(Locale.ROOT, "  %-64s %9.1f %9.1f%%%n", "pipeline: steady state (10%..90% of the answers)",
                        pipe[c].steady, 100 * pipe[c].steady / ceiling);
                System.out.printf(Locale.ROOT, "  pipeline: %.2f s from the start to the first call, %.2f s from the last answer to the end%n",
                        pipe[c].startup, pipe[c].tail);
                System.out.printf(Locale.ROOT, "  pipeline stages (seconds from the start): %s%n", pipe[c].timeline);
            }
            System.out.printf(Locale.ROOT, "most requests in flight at the server: %d; load average at the end %.1f%n",
                    server.maxInFlight(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            try (Stream<Path> walk = Files.walk(tmp)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Answers per second over the whole pipeline run and over the middle 80% of its answers (server clock); seconds
     * from the start until the server's first answer (less one answer's latency) and from its last answer to the end.
     */
    private record Result(double wholeRun, double steady, double startup, double tail, String timeline) {
    }

    /** req/s of 64 virtual threads sharing one ModelAccess stack, each taking the next prompt until n are answered. */
    private static double baseline(OpenAiTestServer server, String tag, int n, int initial) throws Exception {
        AimdLimiter.Builder limits = AimdLimiter.builder().maxLimit(IN_FLIGHT).initialLimit(initial);
        // The same stack ChatModels builds for a hosted model (cache, accounting, limiter, retries), with a limiter
        // of its own so that the pipeline's shared one starts fresh.
        ChatModel model = ModelAccess.builder()
                .provider(ProviderSpec.builder("teacher", "openai-compatible").baseUrl(server.baseUrl()).model("m").build())
                .cache(CallCacheStore.inMemory()).ledger(new UsageLedger()).limiter(limits.build()).build();
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < IN_FLIGHT; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) model.chat(tag + " question " + i);
            }));
        }
        for (Thread t : workers) t.join();
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static Result pipeline(OpenAiTestServer server, Path tmp, String tag, int n, Integer initial) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(tag));
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) lines.add("{\"text\":" + Json.string(tag + " question " + i) + "}");
        Files.write(dir.resolve("in.jsonl"), lines);
        // A new base URL path per run: the AIMD limiter is shared per endpoint, and each run must start from the
        // spec's settings, not where the previous run left it. The server answers any path ending in
        // /chat/completions.
        String baseUrl = server.root() + "/" + tag + "/v1";
        Path spec = dir.resolve("bench.yaml");
        Files.writeString(spec, """
                name: generation-bench
                models:
                  teacher: {provider: openai-compatible, base_url: "%s", model: m, max_concurrency: %d%s}
                stages:
                  - {name: seeds, kind: source, path: in.jsonl}
                  - name: answers
                    kind: flow
                    inputs: [seeds]
                    flow: responses
                    settings: {strategies: [direct-answer]}
                    models: {teacher: teacher}
                    concurrency: %d
                    batch: 1
                  - {name: export, kind: export, inputs: [answers], path: out.jsonl, format: trl-messages}
                """.formatted(baseUrl, IN_FLIGHT, initial == null ? "" : ", initial_concurrency: " + initial, IN_FLIGHT));
        long served0 = server.served();
        List<Long> answeredAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        java.time.Instant start = java.time.Instant.now();
        StringBuilder timeline = new StringBuilder();
        PipelineRuns.Outcome outcome;
        try (RunStore store = RunStore.open(dir.resolve("runs"))) {
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                // The server's answer count every 50 ms: the steady rate leaves out the ramp and the tail.
                while (!Thread.currentThread().isInterrupted()) {
                    answeredAt.add(System.nanoTime());
                    answeredAt.add(server.served() - served0);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            outcome = PipelineRuns.start(store, spec, new PrintWriter(new StringWriter(), true));
            sampler.interrupt();
            sampler.join();
            for (var st : store.stages(outcome.runId())) {
                timeline.append(String.format(Locale.ROOT, "%s %.2f-%.2f  ", st.name(),
                        Duration.between(start, st.startedAt()).toMillis() / 1e3,
                        Duration.between(start, st.finishedAt()).toMillis() / 1e3));
            }
        }
        long t1 = System.nanoTime();
        double seconds = (t1 - t0) / 1e9;
        if (!outcome.succeeded()) throw new IllegalStateException(outcome.toString());
        long exported;
        try (Stream<String> s = Files.lines(dir.resolve("out.jsonl"))) {
            exported = s.count();
        }
        if (exported != n || server.served() - served0 != n) {
            throw new IllegalStateException("exported " + exported + ", served " + (server.served() - served0) + " of " + n);
        }
        long first = -1, last = -1;
        for (int i = 0; i + 1 < answeredAt.size(); i += 2) {
            if (first < 0 && answeredAt.get(i + 1) > 0) first = answeredAt.get(i);
            if (last < 0 && answeredAt.get(i + 1) >= n) last = answeredAt.get(i);
        }
        // Samples are 50 ms apart: both durations are accurate to about 50 ms.
        return new Result(n / seconds, steadyRate(answeredAt, n), first < 0 ? Double.NaN : (first - t0) / 1e9 - LATENCY_MS / 1e3,
                last < 0 ? Double.NaN : (t1 - last) / 1e9, timeline.toString().strip());
    }

    /** Answers per second between the samples where 10% and 90% of the n answers had been served. */
    private static double steadyRate(List<Long> samples, int n) {
        long tLow = -1, tHigh = -1, cLow = 0, cHigh = 0;
        for (int i = 0; i + 1 < samples.size(); i += 2) {
            long t = samples.get(i), c = samples.get(i + 1);
            if (tLow < 0 && c >= n / 10) {
                tLow = t;
                cLow = c;
            }
            if (tHigh < 0 && c >= n * 9 / 10) {
                tHigh = t;
                cHigh = c;
            }
        }
        return tHigh > tLow && tLow >= 0 ? (cHigh - cLow) / ((tHigh - tLow) / 1e9) : Double.NaN;
    }
}
