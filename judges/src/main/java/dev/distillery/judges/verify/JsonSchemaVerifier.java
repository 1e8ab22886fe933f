package dev.distillery.judges.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.distillery.judges.spi.JudgeInput;
import dev.distillery.judges.spi.Verdict;
import dev.distillery.judges.spi.Verifier;

import java.util.List;

/**
 * Passes when the response is JSON (optionally inside one Markdown code fence) that satisfies a {@link JsonSchema}.
 * The rationale lists up to ten violations with their JSON paths.
 *
 * <pre>{@code
 * Verifier v = new JsonSchemaVerifier(JsonSchema.compile(Json.MAPPER.readTree(schemaText)), true);
 * }</pre>
 *
 * @param schema      the compiled schema
 * @param stripFences accept a response wrapped in {@code ```json ... ```}
 */
public record JsonSchemaVerifier(JsonSchema schema, boolean stripFences) implements Verifier {
    private static final int SHOWN_ERRORS = 10;

    public JsonSchemaVerifier {
        if (schema == null) throw new IllegalArgumentException("schema is required");
    }

    @Override
    public String name() {
        return "json-schema";
    }

    @Override
    public Verdict judge(JudgeInput input) {
        String text = input.response() == null ? "" : input.response();
        if (stripFences) text = JsonText.unfence(text);
        JsonNode value;
        try {
            value = JsonText.parse(text);
        } catch (JsonProcessingException e) {
            return new Verdict.Scored(name(), 0, "fail: response is not valid JSON: " + JsonText.message(e));
        }
        List<String> errors = schema.validate(value);
        if (errors.isEmpty()) return new Verdict.Scored(name(), 1, "pass: valid JSON that satisfies the schema");
        String shown = String.join("; ", errors.subList(0, Math.min(SHOWN_ERRORS, errors.size())));
        String more = errors.size() > SHOWN_ERRORS ? "; and " + (errors.size() - SHOWN_ERRORS) + " more" : "";
        return new Verdict.Scored(name(), 0, "fail: " + errors.size() + " schema violation(s): " + shown + more);
    }
}
