package dev.distillery.generators.model;

import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.model.concurrency.AimdLimiter.Outcome;
import dev.distillery.generators.model.retry.RetryPolicy;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.generators.testserver.OpenAiTestServer.Fault;
import dev.langchain4j.model.chat.ChatModel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AimdTest {

    @Test
    void callersOverTheLimitWaitUntilASlotIsReleased() throws Exception {
        AimdLimiter limiter = AimdLimiter.builder().initialLimit(2).maxLimit(2).build();
        AimdLimiter.Permit a = limiter.acquire();
        AimdLimiter.Permit b = limiter.acquire();
        AtomicBoolean third = new AtomicBoolean();
        CountDownLatch admitted = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                limiter.acquire().release(Outcome.IGNORE);
                third.set(true);
                admitted.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertFalse(admitted.await(200, TimeUnit.MILLISECONDS), "a third caller must wait at limit 2");
        a.release(Outcome.SUCCESS);
        assertTrue(admitted.await(5, TimeUnit.SECONDS));
        assertTrue(third.get());
        b.release(Outcome.SUCCESS);
        waiter.join();
        assertEquals(0, limiter.snapshot().inFlight());
    }

    @Test
    void halvesOncePerRoundAndGrowsByOnePerWindowOfSuccesses() throws Exception {
        AimdLimiter limiter = AimdLimiter.builder().initialLimit(16).maxLimit(32).build();
        List<AimdLimiter.Permit> round = new ArrayList<>();
        for (int i = 0; i < 10; i++) round.add(limiter.acquire());
        // Ten 429s from calls admitted together are one congestion signal, not ten.
        for (AimdLimiter.Permit p : round) p.release(Outcome.OVERLOAD);
        assertEquals(8, limiter.snapshot().limit());
        // A 429 for a call admitted after the decrease halves again.
        limiter.acquire().release(Outcome.OVERLOAD);
        assertEquals(4, limiter.snapshot().limit());
        for (int i = 0; i < 4; i++) limiter.acquire().release(Outcome.SUCCESS);
        assertEquals(5, limiter.snapshot().limit());
        for (int i = 0; i < 4; i++) limiter.acquire().release(Outcome.SUCCESS);
        assertEquals(5, limiter.snapshot().limit(), "a window is as long as the limit");
        limiter.acquire().release(Outcome.SUCCESS);
        assertEquals(6, limiter.snapshot().limit());
        limiter.acquire().release(Outcome.IGNORE);
        assertEquals(6, limiter.snapshot().limit(), "a bad request says nothing about capacity");
        for (int i = 0; i < 5; i++) limiter.acquire().release(Outcome.OVERLOAD);
        assertEquals(1, limiter.snapshot().limit(), "floor 1");
    }

    @Test
    void backsOffUnder429sAndRecoversWhenTheyStop() throws Exception {
        try (OpenAiTestServer server = OpenAiTestServer.builder().latency(Duration.ofMillis(3)).start()) {
            AimdLimiter limiter = AimdLimiter.builder().initialLimit(24).maxLimit(48).build();
            ChatModel model = ModelAccess.builder()
                    .provider(ProviderSpec.builder("t", "openai-compatible").baseUrl(server.baseUrl()).model("m").build())
                    .limiter(limiter)
                    .retries(RetryPolicy.defaults().withMaxAttempts(20).withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)))
                    .build();
            model.chat("warm-up");

            // Phase 1: a quarter of all requests are refused.
            server.faults(r -> new SplittableRandom(r.index()).nextDouble() < 0.25 ? new Fault.RateLimited("0") : Fault.NONE);
            run(model, "a", 400);
            AimdLimiter.Snapshot backedOff = limiter.snapshot();
            assertTrue(backedOff.decreases() > 0, "decreased on 429: " + backedOff);
            assertTrue(backedOff.lowestLimit() <= 12, "at least one halving from 24: " + backedOff);

            // Phase 2: the endpoint is healthy again.
            server.faults(r -> Fault.NONE);
            int low = limiter.snapshot().limit();
            run(model, "b", 1500);
            AimdLimiter.Snapshot recovered = limiter.snapshot();
            assertEquals(backedOff.decreases(), recovered.decreases(), "no decrease without 429s");
            assertTrue(recovered.limit() >= low + 8, "grew back from " + low + ": " + recovered);
        }
    }

    @Test
    void convergesBelowAServersCapacityWithFew429s() throws Exception {
        int capacity = 8;
        try (OpenAiTestServer server = OpenAiTestServer.builder().latency(Duration.ofMillis(20)).capacity(capacity).start()) {
            AimdLimiter limiter = AimdLimiter.builder().initialLimit(32).maxLimit(64).build();
            ChatModel model = ModelAccess.builder()
                    .provider(ProviderSpec.builder("t", "openai-compatible").baseUrl(server.baseUrl()).model("m").build())
                    .limiter(limiter)
                    .retries(RetryPolicy.defaults().withMaxAttempts(30).withBackoff(Duration.ofMillis(1), Duration.ofMillis(20)))
                    .build();
            int n = 600;
            run(model, "c", n);
            AimdLimiter.Snapshot s = limiter.snapshot();
            assertTrue(s.limit() <= 2 * capacity, "limit settles near the capacity of " + capacity + ": " + s);
            assertTrue(server.status(429) < n / 4, "429s stay a small share: " + server.status(429) + " for " + n + " calls");
            assertEquals(n, server.served());
        }
    }

    @Test
    void stacksOverTheSameEndpointShareOneLimit() throws Exception {
        try (OpenAiTestServer server = OpenAiTestServer.builder().latency(Duration.ofMillis(30)).start()) {
            ProviderSpec spec = ProviderSpec.builder("t", "openai-compatible").baseUrl(server.baseUrl()).model("shared-" + System.nanoTime()).build();
            ChatModel a = ModelAccess.builder().provider(spec).maxConcurrency(3).build();
            ChatModel b = ModelAccess.builder().provider(spec).maxConcurrency(3).build();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<String>> all = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    ChatModel m = i % 2 == 0 ? a : b;
                    String p = "s" + i;
                    all.add(pool.submit(() -> m.chat(p)));
                }
                for (Future<String> f : all) f.get();
            }
            // The server counts a request until its handler returns, which can overlap by a moment the next request
            // the client admitted after reading the answer: one shared limit of 3 shows as at most 4 there, two
            // separate limits of 3 would reach 6.
            assertTrue(server.maxInFlight() <= 4, "one limit of 3 for both stacks, saw " + server.maxInFlight());
            assertEquals(60, server.served());
        }
    }

    private static void run(ChatModel model, String prefix, int n) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String p = prefix + i;
                all.add(pool.submit(() -> model.chat(p)));
            }
            for (int i = 0; i < n; i++) assertEquals("echo: " + prefix + i, all.get(i).get());
        }
    }
}
