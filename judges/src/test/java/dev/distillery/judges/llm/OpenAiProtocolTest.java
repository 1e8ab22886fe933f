package dev.distillery.judges.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.distillery.datasets.json.Json;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseVerdict;
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
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LLM judges through LangChain4j's real OpenAI client against an in-test server speaking the chat-completions
 * API: what goes over the wire (roles, temperature, token cap) and how HTTP errors come back.
 */
class OpenAiProtocolTest {
    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, String> answer;
    private volatile int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            JsonNode request = Json.MAPPER.readTree(exchange.getRequestBody());
            requests.add(request);
            String body = status == 200 ? completion(answer.apply(request)) : "{\"error\": {\"message\": \"internal error\"}}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
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
                .apiKey("test-key").modelName("judge-model").maxRetries(0).build();
    }

    private static String completion(String content) {
        var root = Json.MAPPER.createObjectNode().put("id", "c1").put("object", "chat.completion").put("created", 1)
                .put("model", "judge-model");
        var choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        root.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
        return root.toString();
    }

    private static String userContent(JsonNode request) {
        for (JsonNode m : request.path("messages")) if (m.path("role").asText().equals("user")) return m.path("content").asText();
        return "";
    }

    @Test
    void singleGradeSendsASystemAndUserMessageAtTemperatureZero() {
        answer = r -> "Accurate. Rating: [[9]]";
        var v = SingleGradeJudge.builder(model()).build().judge(new JudgeInput("What is 17 * 3?", "51", null));
        assertEquals(9.0, assertInstanceOf(Verdict.Scored.class, v).score());
        assertEquals("single-grade:judge-model", v.judge());
        JsonNode request = requests.getFirst();
        assertEquals("judge-model", request.path("model").asText());
        assertEquals(0.0, request.path("temperature").asDouble());
        assertEquals(1024, request.has("max_completion_tokens") ? request.path("max_completion_tokens").asInt() : request.path("max_tokens").asInt());
        assertEquals("system", request.path("messages").get(0).path("role").asText());
        assertTrue(userContent(request).contains("[Question]\nWhat is 17 * 3?"), userContent(request));
    }

    @Test
    void pairwiseSwapsTheAnswersOnTheWire() {
        answer = r -> userContent(r).indexOf("It is 51.") < userContent(r).indexOf("It is 41.") ? "[[A]]" : "[[B]]";
        var v = PairwiseGradeJudge.builder(model()).build().compare(new PairInput("17 * 3?", "It is 51.", "It is 41.", null));
        var d = assertInstanceOf(PairwiseVerdict.Decided.class, v);
        assertEquals(PairwiseVerdict.Winner.FIRST, d.winner());
        assertEquals(Boolean.TRUE, d.swapConsistent());
        assertEquals(2, requests.size());
    }

    @Test
    void anHttpErrorIsARecordedFailureAfterTheAttempts() {
        status = 500;
        var v = SingleGradeJudge.builder(model()).attempts(2).build().judge(new JudgeInput("q", "a", null));
        var f = assertInstanceOf(Verdict.Failed.class, v);
        assertTrue(f.reason().startsWith("model call failed") && f.reason().contains("internal error")
                && f.reason().contains("after 2 attempts"), f.reason());
        assertEquals(2, requests.size());
    }
}
