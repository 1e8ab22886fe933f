package dev.distillery.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.distillery.generators.model.ModelAccess;
import dev.distillery.generators.model.ProviderSpec;
import dev.distillery.generators.model.accounting.UsageLedger;
import dev.distillery.generators.model.cache.CallCacheStore;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.model.retry.RetryPolicy;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Model access (cache + accounting + AIMD admission + retries/timeouts + OpenAI provider) against a local
 * OpenAI-compatible server, in three phases, each against a baseline measured in the same run:
 * <ol>
 *   <li>Throughput: 200 ms per answer, unlimited capacity, 64 calls in flight; the ceiling is 64 / 0.2 s = 320 req/s.
 *       Baseline: the same 64 callers posting with a bare java.net.http client.</li>
 *   <li>Overhead per record: 0 ms server, one caller, time per call of the full stack minus a bare java.net.http
 *       POST of the same body (also shown: LangChain4j's OpenAiChatModel alone).</li>
 *   <li>Rate limit: a server allowing {@code R} req/s (token bucket, 429 with Retry-After beyond it); achieved
 *       answers/s over the limit, and how many 429s it took, with AIMD starting at 8 and 64 callers waiting.</li>
 * </ol>
 * Run: {@code java -cp <bench classpath> dev.distillery.bench.ModelAccessBench}
 */
public final class ModelAccessBench {

    private static final String ANSWER = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a short answer of some words\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":6,\"total_tokens\":18}}";
    private static final byte[] ANSWER_BYTES = ANSWER.getBytes(StandardCharsets.UTF_8);
    private static final byte[] LIMITED = "{\"error\":{\"message\":\"rate limited\"}}".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 100;
        System.out.printf("ModelAccessBench: %d cores, %s, max heap %d MiB%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        throughput();
        overhead();
        decoratorsAlone();
        rateLimited(rate);
    }

    // ---- phase 1 -------------------------------------------------------------------------------------------------

    private static void throughput() throws Exception {
        int inFlight = 64;
        int latencyMs = 200;
        double ceiling = inFlight * 1000.0 / latencyMs;
        try (Server server = new Server(latencyMs, 0)) {
            ChatModel model = stack(server, AimdLimiter.builder().initialLimit(inFlight).maxLimit(inFlight).build(), true);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // Warm-up: connections, JIT.
            drive(inFlight, Duration.ofSeconds(2), i -> model.chat("warm " + i));
            drive(inFlight, Duration.ofSeconds(2), i -> post(http, server, "warm " + i));
            // Interleaved rounds, so that load from other processes hits both sides alike.
            double base = 0, full = 0, baseMs = 0, fullMs = 0;
            int rounds = 2;
            for (int r = 0; r < rounds; r++) {
                int round = r;
                base += drive(inFlight, Duration.ofSeconds(4), i -> post(http, server, "base " + round + " " + i)) / rounds;
                baseMs += lastMeanLatencyMs / rounds;
                full += drive(inFlight, Duration.ofSeconds(4), i -> model.chat("full " + round + " " + i)) / rounds;
                fullMs += lastMeanLatencyMs / rounds;
            }
            System.out.println();
            System.out.printf("1) throughput, %d ms server, %d in flight (ceiling %.0f req/s)%n", latencyMs, inFlight, ceiling);
            System.out.printf("   %-40s %8.1f req/s  %5.1f%% of ceiling, mean call %.1f ms%n", "baseline: bare java.net.http POST",
                    base, 100 * base / ceiling, baseMs);
            System.out.printf("   %-40s %8.1f req/s  %5.1f%% of ceiling, mean call %.1f ms  (%.3f x baseline)%n",
                    "model access, full stack", full, 100 * full / ceiling, fullMs, full / base);
        }
    }

    // ---- phase 2 -------------------------------------------------------------------------------------------------

    private static void overhead() throws Exception {
        try (Server server = new Server(0, 0)) {
            ChatModel full = stack(server, AimdLimiter.builder().initialLimit(4).maxLimit(4).build(), true);
            ChatModel bareLc4j = OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("none").modelName("m").maxRetries(0).build();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int n = 1000;
            int rounds = 5;
            long[][] wall = new long[3][rounds];
            long[][] cpu = new long[3][rounds];
            measure(n, i -> post(http, server, "warm-h" + i));
            measure(n, i -> bareLc4j.chat("warm-l" + i));
            measure(n, i -> full.chat("warm-f" + i));
            for (int r = 0; r < rounds; r++) { // interleaved, medians reported
                int round = r;
                long[] h = measure(n, i -> post(http, server, "h" + round + "-" + i));
                long[] l = measure(n, i -> bareLc4j.chat("l" + round + "-" + i));
                long[] f = measure(n, i -> full.chat("f" + round + "-" + i));
                wall[0][r] = h[0]; cpu[0][r] = h[1];
                wall[1][r] = l[0]; cpu[1][r] = l[1];
                wall[2][r] = f[0]; cpu[2][r] = f[1];
            }
            long hw = median(wall[0]), lw = median(wall[1]), fw = median(wall[2]);
            long hc = median(cpu[0]), lc = median(cpu[1]), fc = median(cpu[2]);
            System.out.println();
            System.out.printf("2) per call, 0 ms server, 1 caller, median of %d interleaved rounds of %d calls%n", rounds, n);
            System.out.printf("   %-40s %10s %10s   (process CPU includes the in-process server)%n", "", "wall us", "CPU us");
            System.out.printf("   %-40s %10.1f %10.1f%n", "baseline: bare java.net.http POST", hw / 1e3, hc / 1e3);
            System.out.printf("   %-40s %10.1f %10.1f%n", "LangChain4j OpenAiChatModel alone", lw / 1e3, lc / 1e3);
            System.out.printf("   %-40s %10.1f %10.1f%n", "model access, full stack", fw / 1e3, fc / 1e3);
            System.out.printf("   %-40s %+10.1f %+10.1f%n", "overhead vs baseline", (fw - hw) / 1e3, (fc - hc) / 1e3);
            System.out.printf("   %-40s %+10.1f %+10.1f%n", "overhead of the decorators vs LangChain4j", (fw - lw) / 1e3, (fc - lc) / 1e3);
        }
    }

    private static long median(long[] xs) {
        long[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Wall and process-CPU nanoseconds per call over {@code n} sequential calls. */
    private static long[] measure(int n, java.util.function.IntFunction<Object> call) {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) call.apply(i);
        return new long[] {(System.nanoTime() - t0) / n, (os.getProcessCpuTime() - c0) / n};
    }

    /**
     * The decorators alone around an in-process model that answers at once: what the orchestrator adds per record,
     * without HTTP and server noise. Baseline: the same model called directly.
     */
    private static void decoratorsAlone() {
        dev.langchain4j.model.chat.response.ChatResponse fixed = dev.langchain4j.model.chat.response.ChatResponse.builder()
                .aiMessage(dev.langchain4j.data.message.AiMessage.from("a short answer of some words"))
                .tokenUsage(new dev.langchain4j.model.output.TokenUsage(12, 6)).build();
        ChatModel raw = new ChatModel() {
            @Override
            public dev.langchain4j.model.chat.response.ChatResponse doChat(dev.langchain4j.model.chat.request.ChatRequest r) {
                return fixed;
            }
        };
        ChatModel full = ModelAccess.builder()
                .model(raw, new dev.distillery.generators.model.ModelIdentity("bench", "http://in-process", "m"))
                .cache(CallCacheStore.inMemory()).ledger(new UsageLedger())
                .limiter(AimdLimiter.builder().initialLimit(8).maxLimit(8).build())
                .build();
        int n = 50_000;
        int rounds = 5;
        long[] rawNs = new long[rounds];
        long[] fullNs = new long[rounds];
        measure(n, i -> raw.chat("w" + i));
        measure(n, i -> full.chat("w" + i));
        for (int r = 0; r < rounds; r++) {
            int round = r;
            rawNs[r] = measure(n, i -> raw.chat("r" + round + "-" + i))[0];
            fullNs[r] = measure(n, i -> full.chat("f" + round + "-" + i))[0]; // all distinct: every call misses the cache
        }
        long rw = median(rawNs), fw = median(fullNs);
        System.out.println();
        System.out.printf("2b) decorators alone (cache miss + ledger + limiter + retry/timeout thread), in-process model, median of %d x %d calls%n", rounds, n);
        System.out.printf("   %-40s %10.1f us%n", "baseline: the model called directly", rw / 1e3);
        System.out.printf("   %-40s %10.1f us  (+%.1f us per record)%n", "model access, full stack", fw / 1e3, (fw - rw) / 1e3);
    }

    // ---- phase 3 -------------------------------------------------------------------------------------------------

    private static void rateLimited(double rate) throws Exception {
        int latencyMs = 50;
        try (Server server = new Server(latencyMs, rate)) {
            AimdLimiter limiter = AimdLimiter.builder().initialLimit(8).maxLimit(64).build();
            ChatModel model = stack(server, limiter, true);
            Duration warm = Duration.ofSeconds(3);
            Duration measure = Duration.ofSeconds(15);
            // One run; the first seconds (AIMD finding the limit) are left out of the steady window.
            long[] at = new long[4];
            Thread marker = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(warm);
                    at[0] = server.ok.get();
                    at[1] = server.limited.get();
                    Thread.sleep(measure);
                    at[2] = server.ok.get();
                    at[3] = server.limited.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            drive(64, warm.plus(measure), i -> model.chat("r " + i));
            marker.join();
            long ok = at[2] - at[0];
            long limited = at[3] - at[1];
            AtomicLong limitedAtWarm = new AtomicLong(at[1]);
            double achieved = ok / (double) measure.toSeconds();
            System.out.println();
            System.out.printf("3) rate-limited server: %.0f req/s token bucket (burst %d), %d ms answers, 64 callers, AIMD from 8%n",
                    rate, server.burst, latencyMs);
            System.out.printf("   %-40s %8.0f req/s%n", "baseline: the server's limit", rate);
            System.out.printf("   %-40s %8.1f req/s  (%.1f%% of the limit, steady %d s after %d s warm-up)%n",
                    "model access, answers", achieved, 100 * achieved / rate, measure.toSeconds(), warm.toSeconds());
            System.out.printf("   %-40s %8d  (%.3f per answer; %d in the warm-up)%n", "429s in the steady part", limited,
                    limited / (double) Math.max(1, ok), limitedAtWarm.get());
            System.out.printf("   limiter at the end: %s%n", limiter.snapshot());
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ChatModel stack(Server server, AimdLimiter limiter, boolean withCacheAndLedger) {
        ModelAccess.Builder b = ModelAccess.builder()
                .provider(ProviderSpec.builder("bench", "openai-compatible").baseUrl(server.baseUrl()).model("m")
                        .parameter("temperature", 0.7).build())
                .limiter(limiter)
                .retries(RetryPolicy.defaults().withMaxAttempts(20))
                .timeout(Duration.ofSeconds(30));
        if (withCacheAndLedger) b.cache(CallCacheStore.inMemory()).ledger(new UsageLedger());
        return b.build();
    }

    private static final String BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}],\"temperature\":0.7}";

    private static String post(HttpClient http, Server server, String prompt) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer none")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY.formatted(prompt))).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Mean time per call of the last {@link #drive} (calls in flight / throughput, by Little's law). */
    private static double lastMeanLatencyMs;

    /** {@code callers} virtual threads call {@code call} in a loop for {@code time}; returns completed calls/s. */
    private static double drive(int callers, Duration time, java.util.function.IntFunction<Object> call) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        java.util.concurrent.atomic.LongAdder busyNanos = new java.util.concurrent.atomic.LongAdder();
        long end = System.nanoTime() + time.toNanos();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < callers; c++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long s0 = System.nanoTime();
                        call.apply(next.getAndIncrement());
                        busyNanos.add(System.nanoTime() - s0);
                        done.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        lastMeanLatencyMs = busyNanos.sum() / 1e6 / Math.max(1, done.get());
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /** A minimal OpenAI chat-completions server: fixed latency, a fixed answer, optional token-bucket limit. */
    private static final class Server implements AutoCloseable {
        final HttpServer http;
        final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        final int latencyMs;
        final double rate;
        final int burst;
        final AtomicLong ok = new AtomicLong();
        final AtomicLong limited = new AtomicLong();
        private double tokens;
        private long last = System.nanoTime();

        Server(int latencyMs, double rate) throws IOException {
            this.latencyMs = latencyMs;
            this.rate = rate;
            this.burst = rate > 0 ? Math.max(1, (int) (rate / 10)) : 0;
            this.tokens = burst;
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            http.setExecutor(executor);
            http.createContext("/", this::handle);
            http.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
        }

        private synchronized long takeToken() {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens--;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex; InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
                if (rate > 0) {
                    long retryAfter = takeToken();
                    if (retryAfter > 0) {
                        limited.incrementAndGet();
                        ex.getResponseHeaders().set("Retry-After", Long.toString(retryAfter));
                        respond(ex, 429, LIMITED);
                        return;
                    }
                }
                if (latencyMs > 0) Thread.sleep(latencyMs);
                respond(ex, 200, ANSWER_BYTES);
                ok.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void close() {
            http.stop(0);
            executor.shutdownNow();
        }
    }
}
