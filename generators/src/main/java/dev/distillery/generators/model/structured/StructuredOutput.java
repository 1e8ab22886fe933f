package dev.distillery.generators.model.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.distillery.datasets.json.Json;
import dev.distillery.generators.model.ModelCallException;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Asks a model for an answer shaped like a record and returns the record. The JSON schema comes from the record's
 * components ({@link RecordSchema}); it is sent as {@code response_format} where the model supports JSON schemas,
 * else written into the prompt. The answer is parsed strictly (every component present, nothing unknown); common
 * damage is repaired first ({@link JsonRepair}); an answer that still does not parse goes back to the model with the
 * parse error, at most {@code maxReAsks} times, after which the call fails with
 * {@link ModelCallException.Kind#MALFORMED_OUTPUT}.
 *
 * <pre>{@code
 * record Rating(int score, String rationale) {}
 * Rating r = StructuredOutput.of(Rating.class).maxReAsks(2).ask(model, "Rate this answer from 1 to 10: ...");
 * }</pre>
 *
 * @param <T> the record type
 */
public final class StructuredOutput<T extends Record> {

    private final Class<T> type;
    private final RecordSchema schema;
    private final int maxReAsks;
    private final ObjectReader reader;

    private StructuredOutput(Class<T> type, RecordSchema schema, int maxReAsks) {
        this.type = type;
        this.schema = schema;
        this.maxReAsks = maxReAsks;
        this.reader = Json.MAPPER.readerFor(type)
                .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);
    }

    /** Structured output of {@code type}, with up to 2 re-asks. */
    public static <T extends Record> StructuredOutput<T> of(Class<T> type) {
        return new StructuredOutput<>(Objects.requireNonNull(type, "type"), RecordSchema.of(type), 2);
    }

    /** At most {@code n} follow-up questions after an unparseable answer (0: none). */
    public StructuredOutput<T> maxReAsks(int n) {
        if (n < 0) throw new IllegalArgumentException("maxReAsks must be >= 0, got " + n);
        return new StructuredOutput<>(type, schema, n);
    }

    public RecordSchema schema() {
        return schema;
    }

    /** Asks {@code prompt} as one user message. */
    public T ask(ChatModel model, String prompt) {
        return ask(model, List.of(UserMessage.from(prompt)));
    }

    /** Asks with {@code messages}; see the class comment for repair and re-asks. */
    public T ask(ChatModel model, List<ChatMessage> messages) {
        boolean nativeSchema = model.supportedCapabilities().contains(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
        List<ChatMessage> conversation = new ArrayList<>(nativeSchema ? messages : withInstructions(messages));
        ChatRequestParameters parameters = nativeSchema
                ? ChatRequestParameters.builder().responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON)
                        .jsonSchema(JsonSchema.builder().name(type.getSimpleName()).rootElement(schema.root()).build()).build())
                        .build()
                : ChatRequestParameters.builder().build();
        String lastError = null;
        for (int asked = 1; asked <= maxReAsks + 1; asked++) {
            String text = model.chat(ChatRequest.builder().messages(conversation).parameters(parameters).build())
                    .aiMessage().text();
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                lastError = e.getMessage();
                conversation.add(AiMessage.from(text == null ? "" : text));
                conversation.add(UserMessage.from("That answer cannot be used: " + lastError
                        + "\nReply with only the corrected JSON object for the schema, nothing else."));
            }
        }
        throw new ModelCallException(ModelCallException.Kind.MALFORMED_OUTPUT, "no valid " + type.getSimpleName()
                + " after " + (maxReAsks + 1) + " answers; last problem: " + lastError, maxReAsks + 1, null);
    }

    /**
     * Parses an answer into the record, repairing common damage first. {@link IllegalArgumentException} says what
     * is wrong in words a model can act on.
     */
    public T parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("the answer is empty");
        try {
            return reader.readValue(text.strip());
        } catch (JsonProcessingException strict) {
            String repaired = JsonRepair.repair(text);
            try {
                return reader.readValue(repaired);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not a valid " + type.getSimpleName() + " JSON object: " + plain(e.getOriginalMessage()));
            }
        }
    }

    /** Jackson's message without its Java jargon: the model reading it knows JSON, not Jackson. */
    private static String plain(String message) {
        String m = message.replaceAll("Missing creator property '([^']+)' \\(index \\d+\\)", "missing field '$1'");
        for (String cut : new String[] {"; `DeserializationFeature", " (class ", "\n at [Source"}) {
            int i = m.indexOf(cut);
            if (i > 0) m = m.substring(0, i);
        }
        return m.strip();
    }

    private List<ChatMessage> withInstructions(List<ChatMessage> messages) {
        String instructions = "\n\nAnswer with only a JSON object that matches this JSON schema, and no other text:\n" + schema.json();
        List<ChatMessage> out = new ArrayList<>(messages);
        int last = out.size() - 1;
        if (last >= 0 && out.get(last) instanceof UserMessage u && u.hasSingleText()) {
            out.set(last, UserMessage.from(u.singleText() + instructions));
        } else {
            out.add(UserMessage.from(instructions.strip()));
        }
        return out;
    }
}
