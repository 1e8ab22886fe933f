package dev.distillery.generators.model;

import dev.distillery.generators.model.accounting.UsageLedger;
import dev.distillery.generators.model.cache.CacheKey;
import dev.distillery.generators.model.cache.CachedCall;
import dev.distillery.generators.model.cache.FileCallCacheStore;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallCacheTest {

    @TempDir
    Path dir;

    private static ChatModel stack(OpenAiTestServer server, FileCallCacheStore store, UsageLedger ledger) {
        return ModelAccess.builder()
                .provider(ProviderSpec.builder("teacher", "openai-compatible").baseUrl(server.baseUrl()).model("m")
                        .parameter("temperature", 0.7).parameter("seed", 42).build())
                .cache(store).ledger(ledger)
                .limiter(AimdLimiter.builder().initialLimit(16).maxLimit(16).build())
                .build();
    }

    @Test
    void aRestartedRunOverTheSameCacheFilePaysForNothingAgain() {
        Path file = dir.resolve("calls.jsonl");
        try (OpenAiTestServer server = OpenAiTestServer.builder().start()) {
            List<String> first = new ArrayList<>();
            try (FileCallCacheStore store = FileCallCacheStore.open(file)) {
                ChatModel model = stack(server, store, new UsageLedger());
                for (int i = 0; i < 40; i++) first.add(model.chat("question " + i));
            }
            assertEquals(40, server.requests());

            UsageLedger ledger = new UsageLedger();
            try (FileCallCacheStore store = FileCallCacheStore.open(file)) {
                assertEquals(40, store.size());
                ChatModel model = stack(server, store, ledger);
                for (int i = 0; i < 40; i++) assertEquals(first.get(i), model.chat("question " + i));
                assertEquals(40, server.requests(), "the second instance made no HTTP call");
                // A new question is still asked, and only it.
                assertEquals("echo: question 40", model.chat("question 40"));
                assertEquals(41, server.requests());
            }
            var total = ledger.snapshot().total();
            assertEquals(40, total.cacheHits());
            assertEquals(1, total.calls());
        }
    }

    @Test
    void cachedAnswersKeepTheirTokenCounts() {
        try (OpenAiTestServer server = OpenAiTestServer.builder().start();
             FileCallCacheStore store = FileCallCacheStore.open(dir.resolve("c.jsonl"))) {
            ChatModel model = stack(server, store, new UsageLedger());
            var paid = model.chat(UserMessage.from("two words"));
            var cached = model.chat(UserMessage.from("two words"));
            assertEquals(1, server.requests());
            assertEquals(paid.aiMessage().text(), cached.aiMessage().text());
            assertEquals(paid.tokenUsage().inputTokenCount(), cached.tokenUsage().inputTokenCount());
            assertEquals(paid.tokenUsage().outputTokenCount(), cached.tokenUsage().outputTokenCount());
            assertEquals(paid.finishReason(), cached.finishReason());
        }
    }

    @Test
    void identicalCallsInFlightTogetherArePaidOnce() throws Exception {
        try (OpenAiTestServer server = OpenAiTestServer.builder().latency(Duration.ofMillis(300)).start();
             FileCallCacheStore store = FileCallCacheStore.open(dir.resolve("c.jsonl"))) {
            UsageLedger ledger = new UsageLedger();
            ChatModel model = stack(server, store, ledger);
            List<Future<String>> answers = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 12; i++) answers.add(pool.submit(() -> model.chat("same question")));
                for (Future<String> f : answers) assertEquals("echo: same question", f.get());
            }
            assertEquals(1, server.requests());
            assertEquals(11, ledger.snapshot().total().cacheHits());
            assertEquals(1, ledger.snapshot().total().calls());
        }
    }

    @Test
    void theKeyCoversModelMessagesAndEveryParameter() {
        ModelIdentity id = new ModelIdentity("openai-compatible", "http://h/v1", "m");
        ChatRequest base = ChatRequest.builder().messages(SystemMessage.from("be brief"), UserMessage.from("hi"))
                .parameters(OpenAiChatRequestParameters.builder().temperature(0.7).seed(1).maxOutputTokens(100).build())
                .build();
        String key = CacheKey.of(id, base);
        assertEquals(64, key.length());
        assertEquals(key, CacheKey.of(id, ChatRequest.builder().messages(SystemMessage.from("be brief"), UserMessage.from("hi"))
                .parameters(OpenAiChatRequestParameters.builder().maxOutputTokens(100).seed(1).temperature(0.7).build())
                .build()), "same request, parameters set in another order");
        List<ChatRequest> variants = List.of(
                base.toBuilder().parameters(OpenAiChatRequestParameters.builder().temperature(0.7).seed(2).maxOutputTokens(100).build()).build(),
                base.toBuilder().parameters(OpenAiChatRequestParameters.builder().temperature(0.8).seed(1).maxOutputTokens(100).build()).build(),
                base.toBuilder().parameters(OpenAiChatRequestParameters.builder().temperature(0.7).seed(1).maxOutputTokens(101).build()).build(),
                base.toBuilder().parameters(OpenAiChatRequestParameters.builder().temperature(0.7).seed(1).maxOutputTokens(100).stopSequences("x").build()).build(),
                base.toBuilder().parameters(DefaultChatRequestParameters.builder().temperature(0.7).maxOutputTokens(100).build()).build(),
                base.toBuilder().messages(List.of(UserMessage.from("hi"))).build(),
                base.toBuilder().messages(List.of(SystemMessage.from("be brief"), UserMessage.from("hi!"))).build(),
                base.toBuilder().messages(List.of(UserMessage.from("be brief"), UserMessage.from("hi"))).build(),
                base.toBuilder().messages(List.of(SystemMessage.from("be brief"), UserMessage.from("someone", "hi"))).build(),
                base.toBuilder().messages(List.of(SystemMessage.from("be brief"), UserMessage.from("hi"),
                        AiMessage.from("hello"), UserMessage.from("hi"))).build(),
                base.toBuilder().messages(List.of(SystemMessage.from("be brief"),
                        UserMessage.from(TextContent.from("h"), TextContent.from("i")))).build());
        for (ChatRequest v : variants) assertNotEquals(key, CacheKey.of(id, v), "key must change for " + v);
        assertNotEquals(key, CacheKey.of(new ModelIdentity("openai-compatible", "http://h/v1", "m2"), base));
        assertNotEquals(key, CacheKey.of(new ModelIdentity("openai-compatible", "http://other/v1", "m"), base));
    }

    @Test
    void aTornLastLineIsDroppedAndTheFileStaysAppendable() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        try (FileCallCacheStore store = FileCallCacheStore.open(file)) {
            for (int i = 0; i < 3; i++) store.put(new CachedCall("k" + i, "answer " + i, 1, 2, "STOP", "m", "t"));
        }
        // A crash in the middle of an append.
        Files.writeString(file, "{\"key\":\"k3\",\"text\":\"ans", StandardOpenOption.APPEND);
        try (FileCallCacheStore store = FileCallCacheStore.open(file)) {
            assertEquals(3, store.size());
            assertTrue(store.get("k3").isEmpty());
            store.put(new CachedCall("k4", "answer 4", null, null, null, null, "t"));
        }
        try (FileCallCacheStore store = FileCallCacheStore.open(file)) {
            assertEquals(4, store.size());
            assertEquals("answer 4", store.get("k4").orElseThrow().text());
            assertEquals("answer 1", store.get("k1").orElseThrow().text());
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(4, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{") && l.endsWith("}")));
    }

    @Test
    void corruptionBeforeTheLastLineIsReportedWithFileAndLine() throws Exception {
        Path file = dir.resolve("calls.jsonl");
        Files.writeString(file, "{\"key\":\"a\",\"text\":\"x\"}\nnot json\n{\"key\":\"b\",\"text\":\"y\"}\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FileCallCacheStore.open(file));
        assertTrue(e.getMessage().contains(file + ":2:"), e.getMessage());
    }

    @Test
    void oneWriterAtATime() {
        Path file = dir.resolve("calls.jsonl");
        try (FileCallCacheStore first = FileCallCacheStore.open(file)) {
            assertEquals(0, first.size());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> FileCallCacheStore.open(file));
            assertTrue(e.getMessage().contains("one writer at a time"), e.getMessage());
        }
    }
}
