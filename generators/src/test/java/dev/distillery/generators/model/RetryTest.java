package dev.distillery.generators.model;

import dev.distillery.generators.model.ModelCallException.Kind;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.model.retry.RetryPolicy;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.generators.testserver.OpenAiTestServer.Fault;
import dev.langchain4j.model.chat.ChatModel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryTest {

    private static ChatModel model(OpenAiTestServer server, RetryPolicy policy) {
        return ModelAccess.builder()
                .provider(ProviderSpec.builder("t", "openai-compatible").baseUrl(server.baseUrl()).model("m").build())
                .limiter(AimdLimiter.builder().initialLimit(4).maxLimit(4).build())
                .retries(policy)
                .build();
    }

    private static OpenAiTestServer server(Function<OpenAiTestServer.Request, Fault> plan) {
        return OpenAiTestServer.builder().faults(plan).start();
    }

    @Test
    void honoursRetryAfter() {
        try (OpenAiTestServer server = server(r -> r.attempt() == 1 ? new Fault.RateLimited("1") : Fault.NONE)) {
            ChatModel model = model(server, RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)));
            long t0 = System.nanoTime();
            assertEquals("echo: x", model.chat("x"));
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            // The policy's own backoff is 1 ms; only the server's Retry-After: 1 explains a wait of a second.
            assertTrue(waitedMs >= 1000, "waited " + waitedMs + " ms");
            assertEquals(2, server.attempts("x"));
        }
    }

    @Test
    void aRetryAfterLongerThanAllowedFailsAtOnceWithTheReason() {
        try (OpenAiTestServer server = server(r -> new Fault.RateLimited("3600"))) {
            ChatModel model = model(server, RetryPolicy.defaults().withMaxRetryAfter(Duration.ofSeconds(10)));
            ModelCallException e = assertThrows(ModelCallException.class, () -> model.chat("x"));
            assertEquals(Kind.RATE_LIMITED, e.kind());
            assertEquals(1, e.attempts());
            assertTrue(e.getMessage().contains("3600"), e.getMessage());
        }
    }

    @Test
    void clientErrorsAreNotRetriedButTimeoutsAnd5xxAre() {
        try (OpenAiTestServer server = server(r -> switch (r.prompt()) {
            case "bad" -> new Fault.ClientError(400);
            case "auth" -> new Fault.ClientError(401);
            case "slow-408" -> r.attempt() < 3 ? new Fault.ServerError(408) : Fault.NONE;
            case "flaky" -> r.attempt() < 3 ? new Fault.ServerError(502) : Fault.NONE;
            default -> Fault.NONE;
        })) {
            ChatModel model = model(server, RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
            ModelCallException bad = assertThrows(ModelCallException.class, () -> model.chat("bad"));
            assertEquals(Kind.CLIENT_ERROR, bad.kind());
            assertEquals(1, server.attempts("bad"));
            assertEquals(1, bad.attempts());
            assertEquals(Kind.CLIENT_ERROR, assertThrows(ModelCallException.class, () -> model.chat("auth")).kind());
            assertEquals(1, server.attempts("auth"));
            assertEquals("echo: slow-408", model.chat("slow-408"));
            assertEquals(3, server.attempts("slow-408"));
            assertEquals("echo: flaky", model.chat("flaky"));
            assertEquals(3, server.attempts("flaky"));
        }
    }

    @Test
    void anAttemptWithoutAnswerIsAbandonedAtTheTimeoutAndCountedAsTimeout() {
        try (OpenAiTestServer server = server(r -> new Fault.Hang(Duration.ofSeconds(5)))) {
            ChatModel model = model(server, RetryPolicy.defaults().withMaxAttempts(2)
                    .withBackoff(Duration.ofMillis(1), Duration.ofMillis(1)).withTimeout(Duration.ofMillis(300)));
            model.chat("w");
        } catch (ModelCallException e) {
            assertEquals(Kind.TIMEOUT, e.kind());
            assertEquals(2, e.attempts());
            assertTrue(e.getMessage().contains("after 2 attempts"), e.getMessage());
            return;
        }
        throw new AssertionError("a hanging server must end in a TIMEOUT");
    }

    @Test
    void anInterruptedCallerGivesItsSlotBack() throws Exception {
        try (OpenAiTestServer server = server(r -> new Fault.Hang(Duration.ofSeconds(5)))) {
            AimdLimiter limiter = AimdLimiter.builder().initialLimit(1).maxLimit(1).build();
            ChatModel model = ModelAccess.builder()
                    .provider(ProviderSpec.builder("t", "openai-compatible").baseUrl(server.baseUrl()).model("m").build())
                    .limiter(limiter).timeout(Duration.ofSeconds(30)).build();
            java.util.concurrent.atomic.AtomicReference<ModelCallException> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    model.chat("x");
                } catch (ModelCallException e) {
                    failure.set(e);
                }
            });
            while (limiter.snapshot().inFlight() == 0) Thread.sleep(10);
            caller.interrupt();
            caller.join(5_000);
            assertEquals(Kind.OTHER, failure.get().kind());
            assertEquals(0, limiter.snapshot().inFlight(), "the slot is free again");
        }
    }

    @Test
    void backoffIsFullJitterUnderAnExponentialCeiling() {
        RetryPolicy p = RetryPolicy.defaults().withBackoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        long max1 = 0, max4 = 0;
        for (int i = 0; i < 2000; i++) {
            long b1 = p.backoff(1, null).toMillis();
            long b4 = p.backoff(4, null).toMillis();
            long b9 = p.backoff(9, null).toMillis();
            assertTrue(b1 >= 0 && b1 <= 100, "attempt 1: " + b1);
            assertTrue(b4 >= 0 && b4 <= 800, "attempt 4: " + b4);
            assertTrue(b9 <= 1000, "capped: " + b9);
            max1 = Math.max(max1, b1);
            max4 = Math.max(max4, b4);
        }
        assertTrue(max1 > 80 && max4 > 600, "the whole range is used: " + max1 + ", " + max4);
        long withHeader = p.backoff(1, Duration.ofSeconds(2)).toMillis();
        assertTrue(withHeader >= 2000 && withHeader <= 2400, "Retry-After first, a little spread on top: " + withHeader);
    }
}
