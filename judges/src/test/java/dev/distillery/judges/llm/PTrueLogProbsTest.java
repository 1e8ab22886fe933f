package dev.distillery.judges.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.distillery.datasets.json.Json;
import dev.distillery.judges.ScriptedChatModel;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * P(True) from token log-probabilities, through LangChain4j's real OpenAI client against an in-test server that
 * speaks the chat-completions API.
 */
class PTrueLogProbsTest {
    private static final JudgeInput INPUT = new JudgeInput("What is 17 * 3?", "51", null);

    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile Supplier<String> reply;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            requests.add(Json.MAPPER.readTree(exchange.getRequestBody()));
            byte[] body = reply.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private OpenAiChatModel model() {
        return OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .apiKey("test-key").modelName("gpt-test").maxRetries(0).build();
    }

    /** A chat completion whose content is "(A) True", with top log-probs at the letter position. */
    private static String completion(String logprobs) {
        return """
                {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-test",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "(A) True"},
                              "logprobs": %s, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 30, "completion_tokens": 4, "total_tokens": 34}}
                """.formatted(logprobs);
    }

    private static final String LETTER_LOGPROBS = """
            {"content": [
              {"token": "(", "logprob": -0.0001, "bytes": [40], "top_logprobs": [{"token": "(", "logprob": -0.0001, "bytes": [40]}]},
              {"token": "A", "logprob": -0.2231, "bytes": [65], "top_logprobs": [
                  {"token": "A", "logprob": -0.2231, "bytes": [65]},
                  {"token": "B", "logprob": -2.0794, "bytes": [66]},
                  {"token": " A", "logprob": -3.2189, "bytes": [32, 65]},
                  {"token": "C", "logprob": -6.0, "bytes": [67]}]},
              {"token": ")", "logprob": -0.0001, "bytes": [41], "top_logprobs": []}]}
            """;

    @Test
    void readsTheProbabilityOfTrueFromOneCallsLogProbs() {
        reply = () -> completion(LETTER_LOGPROBS);
        var v = assertInstanceOf(Verdict.Scored.class, PTrueJudge.builder(model()).build().judge(INPUT));
        double yes = Math.exp(-0.2231) + Math.exp(-3.2189);
        double no = Math.exp(-2.0794);
        assertEquals(yes / (yes + no), v.score(), 1e-9);
        assertEquals(1, requests.size(), "one call instead of sampling");
        JsonNode request = requests.getFirst();
        assertTrue(request.path("logprobs").asBoolean(), request.toString());
        assertEquals(TokenLogProbs.TOP, request.path("top_logprobs").asInt(), request.toString());
        assertEquals(0.0, request.path("temperature").asDouble(), request.toString());
        assertTrue(v.rationale().contains("at answer token 1"), v.rationale());
        assertEquals("p-true:gpt-test", v.judge());
    }

    @Test
    void withoutLogProbsInTheReplyAutoFallsBackToSampling() {
        reply = () -> completion("null");
        var v = assertInstanceOf(Verdict.Scored.class, PTrueJudge.builder(model()).samples(3).build().judge(INPUT));
        assertEquals(1.0, v.score());
        assertTrue(v.rationale().startsWith("3 of 3 samples True"), v.rationale());
        assertEquals(4, requests.size(), "one log-prob call, then three samples");
        assertEquals(1.0, requests.get(1).path("temperature").asDouble());
    }

    @Test
    void methodLogprobsFailsRatherThanSampleWhenThereAreNone() {
        reply = () -> completion("null");
        var v = assertInstanceOf(Verdict.Failed.class,
                PTrueJudge.builder(model()).method(PTrueJudge.Method.LOGPROBS).build().judge(INPUT));
        assertTrue(v.reason().contains("no log-probabilities"), v.reason());
        assertEquals("(A) True", v.rawOutput());

        var scripted = PTrueJudge.builder(ScriptedChatModel.replying("(A) True")).method(PTrueJudge.Method.LOGPROBS).build();
        var f = assertInstanceOf(Verdict.Failed.class, scripted.judge(INPUT));
        assertTrue(f.reason().contains("needs a model that returns token log-probabilities"), f.reason());
    }

    @Test
    void methodSamplingIgnoresAvailableLogProbs() {
        reply = () -> completion(LETTER_LOGPROBS);
        var v = assertInstanceOf(Verdict.Scored.class,
                PTrueJudge.builder(model()).method(PTrueJudge.Method.SAMPLING).samples(2).build().judge(INPUT));
        assertEquals(1.0, v.score());
        assertEquals(2, requests.size());
        assertTrue(requests.stream().noneMatch(r -> r.path("logprobs").asBoolean()));
    }

    @Test
    void anHttpErrorIsARecordedFailure() {
        server.removeContext("/v1/chat/completions");
        server.createContext("/v1/chat/completions", exchange -> {
            byte[] body = "{\"error\": {\"message\": \"rate limited\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(429, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        var v = assertInstanceOf(Verdict.Failed.class, PTrueJudge.builder(model()).build().judge(INPUT));
        assertTrue(v.reason().startsWith("model call failed") && v.reason().contains("rate limited"), v.reason());
    }
}
