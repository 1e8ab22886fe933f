package dev.distillery.judges.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.List;
import java.util.Map;

/** Registers {@link JsonSchemaVerifier} as {@code json-schema}; the schema may be given as a map or as JSON text. */
public final class JsonSchemaVerifierProvider implements JudgeProvider {
    @Override
    public String name() {
        return "json-schema";
    }

    @Override
    public String description() {
        return "Response is JSON that satisfies a JSON Schema (focused subset, see docs/verifiers.md)";
    }

    @Override
    public Kind kind() {
        return Kind.VERIFIER;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(
                new JudgeParameter("schema", "the JSON Schema, as a nested map or as JSON text", null),
                new JudgeParameter("strip_fences", "accept a response inside one ```json fence", "true"));
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        VerifierSettings s = VerifierSettings.of(config, parameters());
        Object raw = s.raw("schema");
        if (raw == null) throw s.error("schema", "is required");
        JsonNode node;
        if (raw instanceof String text) {
            try {
                node = Json.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                throw s.error("schema", "is not valid JSON: " + JsonText.message(e));
            }
        } else if (raw instanceof Map<?, ?> || raw instanceof Boolean) {
            node = Json.MAPPER.valueToTree(raw);
        } else {
            throw s.error("schema", "expected a map or JSON text, got " + raw.getClass().getSimpleName());
        }
        try {
            return new JsonSchemaVerifier(JsonSchema.compile(node), s.bool("strip_fences", true));
        } catch (IllegalArgumentException e) {
            throw s.error("schema", e.getMessage());
        }
    }
}
