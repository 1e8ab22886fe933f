package dev.distillery.generators.model;

import dev.distillery.generators.model.ModelCallException.Kind;
import dev.distillery.generators.model.accounting.UsageLedger;
import dev.distillery.generators.model.accounting.UsageSnapshot;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.model.retry.RetryPolicy;
import dev.distillery.generators.model.structured.StructuredOutput;
import dev.distillery.datasets.json.Json;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.generators.testserver.OpenAiTestServer.Fault;
import dev.langchain4j.model.chat.ChatModel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1000 records, each asking for a JSON answer through {@link StructuredOutput} and the full model-access stack,
 * against a server that injects 429s, 503s, hangs, truncated bodies and damaged JSON content at random, plus
 * groups of records whose calls always fail one way (500, 400, hang, 429, unusable content). Every record must end
 * either answered once, with its own answer, or dead-lettered with the right kind; none lost, none paid twice.
 */
class FaultInjectionTest {

    private static final int N = 1000;

    /**
     * The kind each always-failing group must be dead-lettered with, by {@code i % 100}. Timeouts are few because
     * each costs the full timeout per attempt, and the timeout must stay far above a normal answer's time even on a
     * loaded machine: an answer that arrives after the client gave up is paid for twice, by any client.
     */
    private static final Map<Integer, Kind> DOOMED = Map.of(0, Kind.SERVER_ERROR, 50, Kind.SERVER_ERROR,
            1, Kind.CLIENT_ERROR, 51, Kind.CLIENT_ERROR, 2, Kind.TIMEOUT, 3, Kind.RATE_LIMITED, 53, Kind.RATE_LIMITED,
            4, Kind.MALFORMED_OUTPUT, 54, Kind.MALFORMED_OUTPUT);

    /** What every record asks for: its own prompt echoed back as JSON. */
    record Echo(String echo) {
    }

    private static final StructuredOutput<Echo> ECHO = StructuredOutput.of(Echo.class).maxReAsks(2);

    @Test
    void everyRecordIsAnsweredOnceOrDeadLetteredWithItsReason() throws Exception {
        try (OpenAiTestServer server = OpenAiTestServer.builder().faults(FaultInjectionTest::plan)
                .responder(r -> Json.string(Map.of("echo", r.prompt()))).start()) {
            UsageLedger ledger = new UsageLedger();
            int maxAttempts = 3;
            AimdLimiter limiter = AimdLimiter.builder().initialLimit(32).minLimit(16).maxLimit(64).build();
            ChatModel model = ModelAccess.builder()
                    .provider(ProviderSpec.builder("teacher", "openai-compatible").baseUrl(server.baseUrl()).model("m").build())
                    .ledger(ledger)
                    .limiter(limiter)
                    .retries(RetryPolicy.defaults().withMaxAttempts(maxAttempts).withBackoff(Duration.ofMillis(1), Duration.ofMillis(20)))
                    .timeout(Duration.ofMillis(3000))
                    .build();

            // One call first, with a patient timeout: class loading in the client can take longer than 3 s on a busy
            // machine, and an answer that arrives after the client gave up is (correctly) asked and paid for again.
            ChatModel patient = ModelAccess.builder()
                    .provider(ProviderSpec.builder("teacher", "openai-compatible").baseUrl(server.baseUrl()).model("m").build())
                    .limiter(AimdLimiter.builder().build()).timeout(Duration.ofSeconds(60)).build();
            assertEquals("warm-up", ECHO.ask(patient, "warm-up").echo());
            assertEquals(1, server.served());
            long t0 = System.nanoTime();
            Map<String, String> answers = new ConcurrentHashMap<>();
            List<DeadLetter> deadLetters = java.util.Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < N; i++) {
                    String id = "r" + i;
                    String prompt = "prompt " + i;
                    done.add(pool.submit(() -> CallScope.of("fault-test", "generate").call(() -> {
                        try {
                            String previous = answers.put(id, ECHO.ask(model, prompt).echo());
                            assertEquals(null, previous, "record answered twice: " + id);
                        } catch (ModelCallException e) {
                            deadLetters.add(DeadLetter.of(id, "m", e));
                        }
                        return null;
                    })));
                }
                for (Future<?> f : done) f.get();
            }

            System.out.printf("fault test: %.1f s, %d requests, limiter %s%n", (System.nanoTime() - t0) / 1e9,
                    server.requests(), limiter.snapshot());
            assertEquals(N, answers.size() + deadLetters.size(), "every record ends answered or dead-lettered");
            for (DeadLetter d : deadLetters) assertFalse(answers.containsKey(d.recordId()), "both answered and dead: " + d);

            for (int i = 0; i < N; i++) {
                String prompt = "prompt " + i;
                Kind doomed = DOOMED.get(i % 100);
                if (doomed == null) {
                    assertEquals(prompt, answers.get("r" + i), "record " + i + " got its own answer");
                    assertEquals(1, server.served(prompt), "record " + i + " was paid for exactly once");
                } else {
                    // An unusable answer was still an answer, paid for once; its re-asks are other questions.
                    assertEquals(doomed == Kind.MALFORMED_OUTPUT ? 1 : 0, server.served(prompt));
                }
            }
            assertEquals(DOOMED.size() * N / 100, deadLetters.size());
            for (DeadLetter d : deadLetters) {
                int i = Integer.parseInt(d.recordId().substring(1));
                assertEquals(DOOMED.get(i % 100), d.kind(), "kind of " + d);
                assertFalse(d.reason() == null || d.reason().isBlank(), "reason of " + d);
                assertEquals("fault-test", d.flow());
                assertEquals("generate", d.stage());
                int expected = switch (d.kind()) {
                    case CLIENT_ERROR -> 1;
                    case MALFORMED_OUTPUT -> 1 + 2; // the question and two re-asks
                    default -> maxAttempts;
                };
                assertEquals(expected, d.attempts(), "attempts of " + d);
                assertEquals(d.kind() == Kind.MALFORMED_OUTPUT ? 1 : expected, server.attempts("prompt " + i));
            }
            assertTrue(deadLetters.stream().filter(d -> d.kind() == Kind.SERVER_ERROR).allMatch(d -> d.reason().contains("500")));
            assertTrue(deadLetters.stream().filter(d -> d.kind() == Kind.CLIENT_ERROR).allMatch(d -> d.reason().contains("400")));
            assertTrue(deadLetters.stream().filter(d -> d.kind() == Kind.MALFORMED_OUTPUT)
                    .allMatch(d -> d.reason().startsWith("no valid Echo after 3 answers")));

            long malformed = deadLetters.stream().filter(d -> d.kind() == Kind.MALFORMED_OUTPUT).count();
            UsageSnapshot.Line total = ledger.snapshot().total();
            assertEquals(answers.size() + 3 * malformed, total.calls(), "answered calls, unusable answers included");
            assertEquals(deadLetters.size() - malformed, total.failures(), "failed calls (unusable answers are not)");
            assertEquals(server.served() - 1 /* warm-up */, total.calls(), "the ledger counts exactly the answers the server gave");
            assertTrue(server.status(429) > 0 && server.status(500) > 0, "faults were injected");
        }
    }

    /** Deterministic per (prompt, attempt): transient faults on the first attempts, doomed groups always fail. */
    private static Fault plan(OpenAiTestServer.Request r) {
        // A re-ask's last message is the complaint; the record's prompt is the first message.
        String first = r.body().path("messages").get(0).path("content").asText();
        if (!first.startsWith("prompt ")) return Fault.NONE;
        int i = Integer.parseInt(first.substring("prompt ".length()));
        Kind doomed = DOOMED.get(i % 100);
        if (doomed != null) {
            return switch (doomed) {
                case SERVER_ERROR -> new Fault.ServerError(500);
                case CLIENT_ERROR -> new Fault.ClientError(400);
                case TIMEOUT -> new Fault.Hang(Duration.ofMillis(4000));
                case MALFORMED_OUTPUT -> new Fault.Content("Sorry, I cannot answer in JSON.");
                default -> new Fault.RateLimited("0");
            };
        }
        if (r.attempt() >= 3) return Fault.NONE; // two bad attempts at most, so that 3 attempts always suffice
        double u = new SplittableRandom(i * 31L + r.attempt()).nextDouble();
        if (u < 0.10) return new Fault.RateLimited("0");
        if (u < 0.20) return new Fault.ServerError(503);
        if (u < 0.22) return new Fault.Hang(Duration.ofMillis(4000));
        if (u < 0.28) return new Fault.TruncatedBody();
        // Damaged but repairable content: fenced, with a trailing comma. Repaired without asking again.
        if (u < 0.33) return new Fault.Content("```json\n{\"echo\": \"" + first + "\",}\n```");
        return Fault.NONE;
    }
}
