package dev.distillery.generators.model.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.generators.model.ModelAccess;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.model.ProviderSpec;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.testserver.OpenAiTestServer;
import dev.langchain4j.model.chat.ChatModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StructuredOutputTest {

    enum Verdict { GOOD, BAD }

    record Step(String text, int order) {
    }

    record Rating(int score, String rationale, Verdict verdict, List<String> tags, List<Step> steps, double confidence) {
    }

    private static final String VALID = "{\"score\":7,\"rationale\":\"clear\",\"verdict\":\"GOOD\",\"tags\":[\"a\",\"b\"],"
            + "\"steps\":[{\"text\":\"read\",\"order\":1}],\"confidence\":0.9}";
    private static final Rating EXPECTED = new Rating(7, "clear", Verdict.GOOD, List.of("a", "b"), List.of(new Step("read", 1)), 0.9);

    private final StructuredOutput<Rating> ratings = StructuredOutput.of(Rating.class);

    @Test
    void theSchemaComesFromTheRecordComponents() throws Exception {
        JsonNode s = Json.MAPPER.readTree(ratings.schema().json());
        assertEquals("object", s.path("type").asText());
        assertEquals(List.of("score", "rationale", "verdict", "tags", "steps", "confidence"),
                Json.MAPPER.convertValue(s.path("required"), List.class));
        assertEquals("integer", s.at("/properties/score/type").asText());
        assertEquals("number", s.at("/properties/confidence/type").asText());
        assertEquals("GOOD", s.at("/properties/verdict/enum/0").asText());
        assertEquals("string", s.at("/properties/tags/items/type").asText());
        assertEquals("integer", s.at("/properties/steps/items/properties/order/type").asText());
        assertEquals(false, s.path("additionalProperties").asBoolean(true));
        record Bad(Map<String, String> labels) {
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StructuredOutput.of(Bad.class));
        assertTrue(e.getMessage().startsWith("Bad.labels: type java.util.Map"), e.getMessage());
    }

    @Test
    void commonDamageIsRepaired() {
        assertEquals(EXPECTED, ratings.parse(VALID));
        assertEquals(EXPECTED, ratings.parse("```json\n" + VALID + "\n```"), "code fence");
        assertEquals(EXPECTED, ratings.parse("Here is my rating:\n" + VALID + "\nHope this helps!"), "prose around");
        assertEquals(EXPECTED, ratings.parse(VALID.replace("\"b\"]", "\"b\",]").replace("}],", "},],")), "trailing commas");
        assertEquals(EXPECTED, ratings.parse(VALID.substring(0, VALID.length() - 1)), "cut before the last brace");
        String cut = "{\"score\":7,\"rationale\":\"clear\",\"verdict\":\"GOOD\",\"tags\":[\"a\",\"b\"],"
                + "\"steps\":[{\"text\":\"read\",\"order\":1}],\"confidence\":0.9,\"extra";
        assertEquals(EXPECTED, ratings.parse(cut), "cut inside a dangling key");
        assertEquals("{\"a\":\"unfinished\"}", JsonRepair.repair("{\"a\":\"unfinished"));
        assertEquals("{\"a\":[1,2]}", JsonRepair.repair("{\"a\":[1,2,"));
        assertEquals("{\"a\":1}", JsonRepair.repair("{\"a\":1,\"b\":"));
        assertEquals("{\"s\":\"a } in a string, ]\"}", JsonRepair.repair("{\"s\":\"a } in a string, ]\"} trailing"));
    }

    @Test
    void whatCannotBeRepairedIsReportedInWordsAModelCanUse() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ratings.parse("{\"score\":7,\"rationale\":\"clear\"}"));
        assertEquals("not a valid Rating JSON object: missing field 'verdict'", missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ratings.parse(VALID.replace("{\"score\"", "{\"type\":\"object\",\"score\"")));
        assertEquals("not a valid Rating JSON object: Unrecognized field \"type\"", unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ratings.parse("I would rather not."));
    }

    private static ChatModel model(OpenAiTestServer server, String provider) {
        return ModelAccess.builder()
                .provider(ProviderSpec.builder("t", provider).baseUrl(server.baseUrl()).model("m").apiKeyEnv("K").build())
                .environment(Map.of("K", "test-key-123456"))
                .limiter(AimdLimiter.builder().build()).build();
    }

    private static OpenAiTestServer server(Function<OpenAiTestServer.Request, String> responder) {
        return OpenAiTestServer.builder().keepLog().responder(responder).start();
    }

    @Test
    void sendsTheSchemaAsResponseFormatWhereSupportedAndRepairsWithoutReAsking() {
        try (OpenAiTestServer server = server(r -> "```json\n" + VALID + ",\n```")) {
            assertEquals(EXPECTED, ratings.ask(model(server, "openai-compatible"), "rate it"));
            assertEquals(1, server.requests(), "repaired, not re-asked");
            JsonNode body = server.log().get(0).body();
            assertEquals("json_schema", body.at("/response_format/type").asText());
            assertEquals("Rating", body.at("/response_format/json_schema/name").asText());
            assertEquals("integer", body.at("/response_format/json_schema/schema/properties/score/type").asText());
        }
    }

    @Test
    void writesTheSchemaIntoThePromptElsewhere() {
        try (OpenAiTestServer server = server(r -> VALID)) {
            assertEquals(EXPECTED, ratings.ask(model(server, "anthropic"), "rate it"));
            String prompt = server.log().get(0).prompt();
            assertTrue(prompt.startsWith("rate it\n\nAnswer with only a JSON object"), prompt);
            assertTrue(prompt.contains(ratings.schema().json()));
        }
    }

    @Test
    void reAsksWithTheParseErrorThenSucceeds() {
        try (OpenAiTestServer server = server(r -> r.index() == 0 ? "I think it deserves a 7." : VALID)) {
            assertEquals(EXPECTED, ratings.ask(model(server, "openai-compatible"), "rate it"));
            assertEquals(2, server.requests());
            JsonNode second = server.log().get(1).body().path("messages");
            assertEquals(3, second.size());
            assertEquals("assistant", second.get(1).path("role").asText());
            assertEquals("I think it deserves a 7.", second.get(1).path("content").asText());
            assertTrue(server.log().get(1).prompt().startsWith("That answer cannot be used: not a valid Rating JSON object"),
                    server.log().get(1).prompt());
        }
    }

    @Test
    void givesUpAfterTheLastReAskWithMalformedOutput() {
        try (OpenAiTestServer server = server(r -> "{\"score\": \"seven\"}")) {
            ModelCallException e = assertThrows(ModelCallException.class,
                    () -> ratings.maxReAsks(2).ask(model(server, "openai-compatible"), "rate it"));
            assertEquals(ModelCallException.Kind.MALFORMED_OUTPUT, e.kind());
            assertEquals(3, e.attempts());
            assertEquals(3, server.requests());
            assertTrue(e.getMessage().startsWith("no valid Rating after 3 answers; last problem:"), e.getMessage());
        }
    }
}
