package dev.distillery.generators.model.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.distillery.datasets.json.Json;
import dev.distillery.generators.model.ModelIdentity;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * The content address of a call: SHA-256 over a canonical text (see {@link #canonical}) of the model
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

    private CacheKey() {
    }

    /** The hex SHA-256 key of {@code request} sent to {@code identity}. */
    public static String of(ModelIdentity identity, ChatRequest request) {
        return sha256(canonical(identity, request));
    }

    /**
     * The canonical text the key is the hash of, exposed for debugging cache misses: three JSON documents on three
     * lines (model identity, messages, parameters). The messages are LangChain4j's own serialisation, which is
     * deterministic for a given LangChain4j version; identity and parameters have their keys sorted.
     */
    public static String canonical(ModelIdentity identity, ChatRequest request) {
        ObjectNode id = Json.object();
        id.put("v", VERSION);
        id.put("provider", identity.provider());
        id.put("base_url", identity.baseUrl());
        id.put("model", identity.model());
        return Json.string(sorted(id)) + "\n" + ChatMessageSerializer.messagesToJson(request.messages()) + "\n"
                + Json.string(sorted(parameters(request.parameters())));
    }

    private static ObjectNode parameters(ChatRequestParameters p) {
        ObjectNode n = Json.object();
        if (p == null) return n;
        n.put("model_name", p.modelName());
        putNumber(n, "temperature", p.temperature());
        putNumber(n, "top_p", p.topP());
        putNumber(n, "top_k", p.topK());
        putNumber(n, "frequency_penalty", p.frequencyPenalty());
        putNumber(n, "presence_penalty", p.presencePenalty());
        putNumber(n, "max_output_tokens", p.maxOutputTokens());
        if (p.stopSequences() != null) {
            ArrayNode stop = n.putArray("stop");
            p.stopSequences().forEach(stop::add);
        }
        // LangChain4j's schema, tool and format types have value-style toString()s built from their fields in a
        // fixed order; they are not Jackson-serialisable, and their text is exactly as deterministic as needed.
        if (p.responseFormat() != null) n.put("response_format", p.responseFormat().toString());
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            n.put("tools", p.toolSpecifications().toString());
        }
        if (p.toolChoice() != null) n.put("tool_choice", p.toolChoice().name());
        if (p.getClass() != DefaultChatRequestParameters.class) {
            // Provider-specific parameters (OpenAI's seed, logit bias, ...; Ollama's seed, ...) live only in subclasses.
            n.put("provider_parameters", p.getClass().getSimpleName() + ":" + p);
        }
        return n;
    }

    private static void putNumber(ObjectNode n, String field, Number value) {
        if (value == null) return;
        if (value instanceof Double d) n.put(field, d);
        else n.put(field, value.longValue());
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
            names.sort(null);
            ObjectNode out = Json.object();
            for (String name : names) {
                JsonNode child = node.get(name);
                if (!child.isNull()) out.set(name, sorted(child));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }

    private static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
