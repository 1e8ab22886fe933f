package dev.distillery.generators.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An in-test model server that speaks the OpenAI chat-completions protocol ({@code POST /v1/chat/completions}), plus
 * Ollama's {@code POST /api/chat} and Anthropic's {@code POST /v1/messages}, with programmable latency and faults:
 * 429 with {@code Retry-After}, 5xx, 4xx, hangs past the client's timeout, truncated bodies and malformed content.
 * It can also rate-limit (token bucket) or cap concurrency, answering 429 like a real endpoint. Counters say what
 * was served, so tests can check that nothing was lost or paid twice.
 *
 * <pre>{@code
 * try (OpenAiTestServer server = OpenAiTestServer.builder().latency(Duration.ofMillis(5))
 *         .faults(r -> r.index() % 10 == 0 ? new Fault.ServerError(500) : Fault.NONE).start()) {
 *     String baseUrl = server.baseUrl(); // http://127.0.0.1:PORT/v1
 * }
 * }</pre>
 */
public final class OpenAiTestServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the server does with one request. */
    public sealed interface Fault {
        Fault NONE = new None();

        /** Answer normally. */
        record None() implements Fault {
        }

        /** 429 with {@code Retry-After: seconds} (fractional seconds are written as given, e.g. "0.05"). */
        record RateLimited(String retryAfterSeconds) implements Fault {
        }

        /** A 5xx (or any) status with an OpenAI-style error body. */
        record ServerError(int status) implements Fault {
        }

        /** A 4xx that must not be retried. */
        record ClientError(int status) implements Fault {
        }

        /**
         * {@code status} with {@code message} as the OpenAI-style error message: a server that echoes what it was
         * sent (a wrong key, say) into its errors.
         */
        record Rejected(int status, String message) implements Fault {
        }

        /** Say nothing for this long (the client should time out first), then answer. */
        record Hang(Duration duration) implements Fault {
        }

        /** 200 with the first half of the JSON body only. */
        record TruncatedBody() implements Fault {
        }

        /** 200 with a well-formed body whose message content is {@code content} instead of the responder's. */
        record Content(String content) implements Fault {
        }
    }

    /**
     * One request as the fault plan and the responder see it.
     *
     * @param index    0-based arrival order
     * @param protocol {@code openai}, {@code ollama} or {@code anthropic}
     * @param model    the model named in the request
     * @param prompt   the text of the last user message
     * @param body     the whole request body
     * @param attempt  how many requests with this prompt arrived before this one, plus one
     * @param headers  request headers (lower-case names)
     */
    public record Request(int index, String protocol, String model, String prompt, JsonNode body, int attempt,
                          Map<String, List<String>> headers) {
    }

    /** The token counts the server reported in one answer (words of the request's messages and of the content). */
    public record Usage(int inputTokens, int outputTokens) {
        public int total() {
            return inputTokens + outputTokens;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Duration latency;
    private volatile Function<Request, Fault> faults;
    private volatile Function<Request, String> responder;
    private final double ratePerSecond;
    private final int burst;
    private final int capacity;
    private double tokens;
    private long lastRefill = System.nanoTime();

    private final AtomicInteger arrivals = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final ConcurrentHashMap<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> attemptsByPrompt = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> servedByPrompt = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Usage> usageByPrompt = new ConcurrentHashMap<>();
    private final AtomicLong inputTokens = new AtomicLong();
    private final AtomicLong outputTokens = new AtomicLong();
    private final List<Request> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private final boolean keepLog;

    private OpenAiTestServer(Builder b) throws IOException {
        this.latency = b.latency;
        this.faults = b.faults;
        this.responder = b.responder;
        this.ratePerSecond = b.ratePerSecond;
        this.burst = b.burst;
        this.tokens = b.burst;
        this.capacity = b.capacity;
        this.keepLog = b.keepLog;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The OpenAI-style base URL, {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return root() + "/v1";
    }

    /** {@code http://127.0.0.1:PORT}, the base URL Ollama clients take. */
    public String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Replaces the fault plan; takes effect for the next request. */
    public void faults(Function<Request, Fault> plan) {
        this.faults = plan;
    }

    /** Requests that arrived, of any outcome. */
    public int requests() {
        return arrivals.get();
    }

    /** Requests answered with a complete 200 body (hangs and truncated bodies excluded). */
    public long served() {
        return served.get();
    }

    /** How many responses had {@code status} (a hang that answered late counts as 200 here). */
    public long status(int status) {
        AtomicLong n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    /** Complete 200 answers given to {@code prompt}. */
    public int served(String prompt) {
        AtomicInteger n = servedByPrompt.get(prompt);
        return n == null ? 0 : n.get();
    }

    /** The usage reported in the last complete answer to {@code prompt}; null if it was never answered. */
    public Usage usage(String prompt) {
        return usageByPrompt.get(prompt);
    }

    /** Prompt tokens reported over all complete answers. */
    public long inputTokens() {
        return inputTokens.get();
    }

    /** Completion tokens reported over all complete answers. */
    public long outputTokens() {
        return outputTokens.get();
    }

    /** Requests that arrived with {@code prompt}. */
    public int attempts(String prompt) {
        AtomicInteger n = attemptsByPrompt.get(prompt);
        return n == null ? 0 : n.get();
    }

    /** The most requests the server had in progress at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Every request, when the builder asked to keep them. */
    public List<Request> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public void resetCounters() {
        maxInFlight.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String protocol = path.endsWith("/chat/completions") ? "openai"
                    : path.endsWith("/api/chat") ? "ollama" : path.endsWith("/messages") ? "anthropic" : null;
            if (protocol == null || !"POST".equals(ex.getRequestMethod())) {
                send(ex, 404, "{\"error\":{\"message\":\"no route " + path + "\"}}", null);
                return;
            }
            JsonNode body;
            try (InputStream in = ex.getRequestBody()) {
                body = JSON.readTree(in);
            }
            String prompt = lastUserText(body.path("messages"));
            int attempt = attemptsByPrompt.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet();
            Map<String, List<String>> headers = new java.util.HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            Request request = new Request(arrivals.getAndIncrement(), protocol, body.path("model").asText(), prompt,
                    body, attempt, headers);
            if (keepLog) log.add(request);

            if (capacity > 0 && now > capacity) {
                send(ex, 429, error("over capacity"), "0");
                return;
            }
            if (ratePerSecond > 0) {
                double wait = takeToken();
                if (wait > 0) {
                    send(ex, 429, error("rate limited"), String.valueOf(Math.max(1, (long) Math.ceil(wait))));
                    return;
                }
            }
            Fault fault = faults.apply(request);
            if (!latency.isZero()) sleep(latency);
            switch (fault) {
                case Fault.RateLimited r -> send(ex, 429, error("rate limited"), r.retryAfterSeconds());
                case Fault.ServerError s -> send(ex, s.status(), error("injected server error"), null);
                case Fault.ClientError c -> send(ex, c.status(), error("injected client error"), null);
                case Fault.Rejected r -> send(ex, r.status(), JSON.createObjectNode().set("error",
                        JSON.createObjectNode().put("message", r.message()).put("type", "invalid_request_error")).toString(), null);
                case Fault.Hang h -> {
                    sleep(h.duration());
                    send(ex, 200, answer(request, responder.apply(request)), null);
                }
                case Fault.TruncatedBody t -> {
                    String full = answer(request, responder.apply(request));
                    send(ex, 200, full.substring(0, full.length() / 2), null);
                }
                case Fault.Content c -> {
                    send(ex, 200, answer(request, c.content()), null);
                    count(request, c.content());
                }
                case Fault.None n -> {
                    String content = responder.apply(request);
                    send(ex, 200, answer(request, content), null);
                    count(request, content);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client went away (it timed out) or the test is shutting the server down: nothing to answer.
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void count(Request request, String content) {
        served.incrementAndGet();
        servedByPrompt.computeIfAbsent(request.prompt(), p -> new AtomicInteger()).incrementAndGet();
        Usage u = usage(request, content);
        usageByPrompt.put(request.prompt(), u);
        inputTokens.addAndGet(u.inputTokens());
        outputTokens.addAndGet(u.outputTokens());
    }

    /** Takes a token; returns 0, or the seconds until one will be available. */
    private synchronized double takeToken() {
        long t = System.nanoTime();
        tokens = Math.min(burst, tokens + (t - lastRefill) / 1e9 * ratePerSecond);
        lastRefill = t;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (1 - tokens) / ratePerSecond;
    }

    private void send(HttpExchange ex, int status, String body, String retryAfter) throws IOException {
        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) ex.getResponseHeaders().set("Retry-After", retryAfter);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String error(String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\"}}";
    }

    /** Tokens are counted as whitespace-separated words: deterministic, and the same for every protocol. */
    private static Usage usage(Request r, String content) {
        return new Usage(words(r.body().path("messages").toString()), words(content));
    }

    private static String answer(Request r, String content) {
        Usage usage = usage(r, content);
        int in = usage.inputTokens();
        int out = usage.outputTokens();
        ObjectNode root = JSON.createObjectNode();
        switch (r.protocol()) {
            case "ollama" -> {
                root.put("model", r.model());
                root.put("created_at", Instant.now().toString());
                ObjectNode m = root.putObject("message");
                m.put("role", "assistant");
                m.put("content", content);
                root.put("done", true);
                root.put("done_reason", "stop");
                root.put("prompt_eval_count", in);
                root.put("eval_count", out);
            }
            case "anthropic" -> {
                root.put("id", "msg_" + r.index());
                root.put("type", "message");
                root.put("role", "assistant");
                root.put("model", r.model());
                ArrayNode c = root.putArray("content");
                ObjectNode text = c.addObject();
                text.put("type", "text");
                text.put("text", content);
                root.put("stop_reason", "end_turn");
                ObjectNode u = root.putObject("usage");
                u.put("input_tokens", in);
                u.put("output_tokens", out);
            }
            default -> {
                root.put("id", "chatcmpl-" + r.index());
                root.put("object", "chat.completion");
                root.put("created", Instant.now().getEpochSecond());
                root.put("model", r.model());
                ObjectNode choice = root.putArray("choices").addObject();
                choice.put("index", 0);
                ObjectNode m = choice.putObject("message");
                m.put("role", "assistant");
                m.put("content", content);
                choice.put("finish_reason", "stop");
                ObjectNode u = root.putObject("usage");
                u.put("prompt_tokens", in);
                u.put("completion_tokens", out);
                u.put("total_tokens", in + out);
            }
        }
        return root.toString();
    }

    private static int words(String s) {
        String t = s.trim();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** The text of the last user message, whether content is a string or a list of parts. */
    static String lastUserText(JsonNode messages) {
        String text = "";
        for (JsonNode m : messages) {
            if (!"user".equals(m.path("role").asText())) continue;
            JsonNode c = m.path("content");
            if (c.isTextual()) {
                text = c.asText();
            } else if (c.isArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : c) if (part.has("text")) sb.append(part.path("text").asText());
                text = sb.toString();
            }
        }
        return text;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Server settings: no latency, no faults, answers {@code "echo: <prompt>"}. */
    public static final class Builder {
        private Duration latency = Duration.ZERO;
        private Function<Request, Fault> faults = r -> Fault.NONE;
        private Function<Request, String> responder = r -> "echo: " + r.prompt();
        private double ratePerSecond;
        private int burst = 1;
        private int capacity;
        private boolean keepLog;

        public Builder latency(Duration latency) {
            this.latency = latency;
            return this;
        }

        public Builder faults(Function<Request, Fault> plan) {
            this.faults = plan;
            return this;
        }

        public Builder responder(Function<Request, String> responder) {
            this.responder = responder;
            return this;
        }

        /** Token bucket: {@code perSecond} sustained, {@code burst} at once; beyond it 429 with Retry-After. */
        public Builder rateLimit(double perSecond, int burst) {
            this.ratePerSecond = perSecond;
            this.burst = burst;
            return this;
        }

        /** 429 (Retry-After: 0) for any request beyond {@code n} in progress at once. */
        public Builder capacity(int n) {
            this.capacity = n;
            return this;
        }

        /** Keep every request for inspection (headers, bodies). */
        public Builder keepLog() {
            this.keepLog = true;
            return this;
        }

        public OpenAiTestServer start() {
            try {
                return new OpenAiTestServer(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
