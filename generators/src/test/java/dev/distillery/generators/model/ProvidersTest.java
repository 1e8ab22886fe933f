package dev.distillery.generators.model;

import dev.distillery.generators.model.accounting.Price;
import dev.distillery.generators.model.accounting.UsageLedger;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.model.provider.Providers;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.distillery.generators.testserver.OpenAiTestServer.Fault;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.data.message.UserMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvidersTest {

    private static final String KEY = "sk-test-DO-NOT-LEAK-0123456789";

    private static ProviderSpec.Builder spec(String provider) {
        return ProviderSpec.builder("teacher", provider).source("pipeline.yaml", "models.teacher");
    }

    private static String problems(ProviderSpec spec, Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class,
                () -> ModelAccess.builder().provider(spec).environment(env).build()).getMessage();
    }

    @Test
    void aMissingKeyFailsBeforeAnyCallNamingFileAndField() {
        try (OpenAiTestServer server = OpenAiTestServer.builder().start()) {
            String msg = problems(spec("openai").baseUrl(server.baseUrl()).model("gpt-4o-mini").build(), Map.of());
            assertEquals("pipeline.yaml: models.teacher.api_key_env: environment variable OPENAI_API_KEY is not set", msg);
            String custom = problems(spec("openai-compatible").baseUrl(server.baseUrl()).model("m").apiKeyEnv("VLLM_KEY").build(), Map.of());
            assertEquals("pipeline.yaml: models.teacher.api_key_env: environment variable VLLM_KEY is not set", custom);
            assertEquals(0, server.requests(), "nothing was sent");
        }
    }

    @Test
    void unknownProvidersAndParametersGetADidYouMean() {
        String msg = problems(spec("opena").model("m").build(), Map.of());
        assertTrue(msg.startsWith("pipeline.yaml: models.teacher.provider: unknown provider 'opena' (did you mean 'openai'?)"), msg);
        String anth = problems(spec("antropic").model("m").build(), Map.of());
        assertTrue(anth.contains("(did you mean 'anthropic'?)"), anth);
        String param = problems(spec("ollama").model("llama3").parameter("temprature", 0.2).build(), Map.of());
        assertTrue(param.contains("pipeline.yaml: models.teacher.parameters.temprature: unknown parameter (did you mean 'temperature'?)"), param);
        String type = problems(spec("ollama").model("llama3").parameter("seed", "forty-two").build(), Map.of());
        assertTrue(type.contains("models.teacher.parameters.seed: expected a number, got 'forty-two'"), type);
    }

    @Test
    void malformedUrlsAreRejectedWithTheField() {
        assertTrue(problems(spec("openai-compatible").baseUrl("localhost:8000/v1").model("m").build(), Map.of())
                .contains("pipeline.yaml: models.teacher.base_url: 'localhost:8000/v1' is not an http(s) URL"));
        assertTrue(problems(spec("openai-compatible").baseUrl("http://exa mple/v1").model("m").build(), Map.of())
                .contains("pipeline.yaml: models.teacher.base_url: 'http://exa mple/v1' is not a valid URL"));
        assertTrue(problems(spec("openai-compatible").model("m").build(), Map.of())
                .contains("models.teacher.base_url: missing (provider 'openai-compatible' has no default endpoint)"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String msg = problems(spec("anthropic").baseUrl("ftp://x").build(), Map.of());
        List<String> lines = msg.lines().toList();
        assertEquals(3, lines.size(), msg);
        assertTrue(lines.get(0).contains(".model: missing"));
        assertTrue(lines.get(1).contains(".base_url: 'ftp://x' is not an http(s) URL"));
        assertTrue(lines.get(2).contains("environment variable ANTHROPIC_API_KEY is not set"));
    }

    @Test
    void theKeyIsSentButNeverShown() {
        try (OpenAiTestServer server = OpenAiTestServer.builder().keepLog()
                .faults(r -> r.prompt().equals("bad key") ? new Fault.ClientError(401) : Fault.NONE)
                .responder(r -> "ok").start()) {
            ProviderSpec s = spec("openai").baseUrl(server.baseUrl()).model("gpt-4o-mini").build();
            Map<String, String> env = Map.of("OPENAI_API_KEY", KEY);
            ChatModel model = ModelAccess.builder().provider(s).environment(env)
                    .limiter(AimdLimiter.builder().build()).build();
            assertEquals("ok", model.chat("hello"));
            assertEquals(List.of("Bearer " + KEY), server.log().get(0).headers().get("authorization"));
            assertFalse(s.toString().contains(KEY));
            assertFalse(Providers.resolve(s, env::get).toString().contains(KEY));
            assertFalse(model.toString().contains(KEY));
        }
    }

    @Test
    void aKeyEchoedInAnErrorBodyIsRedacted() {
        // A server that echoes the Authorization header in its error body, as some providers do.
        com.sun.net.httpserver.HttpServer echo;
        try {
            echo = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        echo.createContext("/", ex -> {
            byte[] body = ("{\"error\":{\"message\":\"Incorrect API key provided: " + ex.getRequestHeaders().getFirst("Authorization")
                    + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        echo.start();
        try {
            ChatModel model = ModelAccess.builder()
                    .provider(spec("openai").baseUrl("http://127.0.0.1:" + echo.getAddress().getPort() + "/v1").model("gpt-4o-mini").build())
                    .environment(Map.of("OPENAI_API_KEY", KEY)).limiter(AimdLimiter.builder().build()).build();
            ModelCallException e = assertThrows(ModelCallException.class, () -> model.chat("hi"));
            assertEquals(ModelCallException.Kind.CLIENT_ERROR, e.kind());
            assertTrue(e.getMessage().contains("Incorrect API key provided: Bearer ***"), e.getMessage());
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains(KEY), "leaked in " + t.getClass());
            }
        } finally {
            echo.stop(0);
        }
    }

    @Test
    void specParametersReachTheRequestAndThePriceReachesTheLedger() {
        try (OpenAiTestServer server = OpenAiTestServer.builder().keepLog().start()) {
            UsageLedger ledger = new UsageLedger();
            ChatModel model = ModelAccess.builder()
                    .provider(spec("openai-compatible").baseUrl(server.baseUrl()).model("qwen")
                            .parameter("temperature", 0.3).parameter("seed", 7).parameter("max_tokens", 64)
                            .parameter("stop", List.of("###")).price(new Price(1.0, 2.0)).build())
                    .ledger(ledger).limiter(AimdLimiter.builder().build()).build();
            CallScope.of("flow-a", "stage-1").call(() -> model.chat("one two three"));
            var body = server.log().get(0).body();
            assertEquals(0.3, body.path("temperature").asDouble());
            assertEquals(7, body.path("seed").asInt());
            assertEquals(64, body.path("max_tokens").asInt());
            assertEquals("###", body.path("stop").get(0).asText());
            assertEquals("qwen", body.path("model").asText());
            var line = ledger.snapshot().lines().get(0);
            assertEquals("flow-a", line.flow());
            assertEquals("stage-1", line.stage());
            assertTrue(line.inputTokens() > 0 && line.outputTokens() > 0);
            assertEquals((line.inputTokens() * 1.0 + line.outputTokens() * 2.0) / 1e6, line.costUsd(), 1e-12);
        }
    }

    @Test
    void ollamaOneEighteenWorksBesideCoreOneNineteen() {
        try (OpenAiTestServer server = OpenAiTestServer.builder().keepLog().start()) {
            UsageLedger ledger = new UsageLedger();
            ChatModel model = ModelAccess.builder()
                    .provider(spec("ollama").baseUrl(server.root()).model("llama3.2").parameter("seed", 3)
                            .parameter("temperature", 0.1).build())
                    .ledger(ledger).limiter(AimdLimiter.builder().build()).build();
            ChatResponse r = model.chat(UserMessage.from("hello there"));
            assertEquals("echo: hello there", r.aiMessage().text());
            var req = server.log().get(0);
            assertEquals("ollama", req.protocol());
            assertEquals("llama3.2", req.model());
            assertEquals(3, req.body().path("options").path("seed").asInt());
            assertTrue(ledger.snapshot().total().outputTokens() > 0);
        }
    }

    @Test
    void anthropicSpeaksMessagesWithItsKeyHeader() {
        try (OpenAiTestServer server = OpenAiTestServer.builder().keepLog().start()) {
            ChatModel model = ModelAccess.builder()
                    .provider(spec("anthropic").baseUrl(server.baseUrl()).model("claude-x").build())
                    .environment(Map.of("ANTHROPIC_API_KEY", KEY)).limiter(AimdLimiter.builder().build()).build();
            assertEquals("echo: hi claude", model.chat("hi claude"));
            var req = server.log().get(0);
            assertEquals("anthropic", req.protocol());
            assertEquals(List.of(KEY), req.headers().get("x-api-key"));
            assertEquals(1024, req.body().path("max_tokens").asInt());
        }
    }
}
