package dev.distillery.generators.model.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.distillery.datasets.json.Json;
import dev.distillery.generators.model.ModelIdentity;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content address of a call: SHA-256 over a canonical JSON (see {@link #canonical}) of the model
 * identity (provider, endpoint, model) and the full request: every message, and every parameter that changes the
 * answer (temperature, top_p, top_k, max tokens, stop, penalties, response format, tools, and provider-specific ones
 * such as the seed). Two calls with the same key would be answered the same by a deterministic model, so the second
 * is never paid for.
 *
 * <pre>{@code String key = CacheKey.of(identity, request);}</pre>
 */
public final class CacheKey {

    /** Bumped when the canonical form changes, so that old entries are not matched by mistake. */
    private static final int VERSION = 1;
    private static final MessageDigest SHA_256;

    static {
        try {
            SHA_256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private CacheKey() {
    }

    /** The hex SHA-256 key of {@code request} sent to {@code identity}. */
    public static String of(ModelIdentity identity, ChatRequest request) {
        MessageDigest md;
        try {
            md = (MessageDigest) SHA_256.clone(); // cheaper than a provider lookup per call
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        return HexFormat.of().formatHex(md.digest(canonical(identity, request).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The canonical JSON the key is the hash of, exposed for debugging cache misses. Written field by field in a
     * fixed order (no maps, so no ordering to normalise). Plain text, system and text-only assistant messages are
     * written directly; any other message (images, tool calls, thinking) as LangChain4j's own serialisation of it.
     */
    public static String canonical(ModelIdentity identity, ChatRequest request) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("provider", identity.provider());
            g.writeStringField("base_url", identity.baseUrl());
            g.writeStringField("model", identity.model());
            g.writeArrayFieldStart("messages");
            for (ChatMessage m : request.messages()) message(g, m);
            g.writeEndArray();
            g.writeObjectFieldStart("parameters");
            parameters(g, request.parameters());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void message(JsonGenerator g, ChatMessage m) throws IOException {
        g.writeStartObject();
        if (m instanceof SystemMessage s) {
            g.writeStringField("system", s.text());
        } else if (m instanceof UserMessage u && u.contents().stream().allMatch(c -> c instanceof TextContent)) {
            if (u.name() != null) g.writeStringField("name", u.name());
            g.writeArrayFieldStart("user");
            for (var c : u.contents()) g.writeString(((TextContent) c).text());
            g.writeEndArray();
        } else if (m instanceof AiMessage a && !a.hasToolExecutionRequests() && a.thinking() == null
                && (a.images() == null || a.images().isEmpty())) {
            g.writeStringField("assistant", a.text());
        } else {
            g.writeStringField("raw", ChatMessageSerializer.messageToJson(m));
        }
        g.writeEndObject();
    }

    private static void parameters(JsonGenerator g, ChatRequestParameters p) throws IOException {
        if (p == null) return;
        if (p.modelName() != null) g.writeStringField("model_name", p.modelName());
        number(g, "temperature", p.temperature());
        number(g, "top_p", p.topP());
        number(g, "top_k", p.topK());
        number(g, "frequency_penalty", p.frequencyPenalty());
        number(g, "presence_penalty", p.presencePenalty());
        number(g, "max_output_tokens", p.maxOutputTokens());
        if (p.stopSequences() != null) {
            g.writeArrayFieldStart("stop");
            for (String s : p.stopSequences()) g.writeString(s);
            g.writeEndArray();
        }
        // LangChain4j's schema, tool and format types have value-style toString()s built from their fields in a
        // fixed order; they are not Jackson-serialisable, and their text is exactly as deterministic as needed.
        if (p.responseFormat() != null) g.writeStringField("response_format", p.responseFormat().toString());
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            g.writeStringField("tools", p.toolSpecifications().toString());
        }
        if (p.toolChoice() != null) g.writeStringField("tool_choice", p.toolChoice().name());
        if (p.getClass() != DefaultChatRequestParameters.class) {
            // Provider-specific parameters (OpenAI's seed, logit bias, ...; Ollama's seed, ...) live only in subclasses.
            g.writeStringField("provider_parameters", p.getClass().getSimpleName() + ":" + p);
        }
    }

    private static void number(JsonGenerator g, String field, Number value) throws IOException {
        if (value == null) return;
        if (value instanceof Double d) g.writeNumberField(field, d);
        else g.writeNumberField(field, value.longValue());
    }
}
