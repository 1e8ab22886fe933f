package dev.distillery.trainers.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fields of a Hugging Face {@code tokenizer_config.json} that training uses.
 *
 * <pre>{@code TokenizerConfig cfg = TokenizerConfig.load(modelDir); String eos = cfg.eosToken();}</pre>
 *
 * @param dir            the directory it was read from (for error messages)
 * @param present        whether the file exists at all
 * @param chatTemplate   the Jinja chat template, or null (for a list of named templates: the one named "default",
 *                       else the first)
 * @param bosToken       {@code bos_token} content, or null
 * @param eosToken       {@code eos_token} content, or null
 * @param padToken       {@code pad_token} content, or null
 * @param modelMaxLength {@code model_max_length}, or 0 when absent
 */
public record TokenizerConfig(Path dir, boolean present, String chatTemplate, String bosToken, String eosToken,
                              String padToken, long modelMaxLength) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code dir/tokenizer_config.json}; a missing file gives a config with every field empty. */
    public static TokenizerConfig load(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(file)) return new TokenizerConfig(dir, false, null, null, null, null, 0);
        JsonNode root = JSON.readTree(file.toFile());
        return new TokenizerConfig(dir, true, template(root.path("chat_template")), token(root.path("bos_token")),
                token(root.path("eos_token")), token(root.path("pad_token")),
                root.path("model_max_length").asLong(0));
    }

    private static String template(JsonNode node) {
        if (node.isTextual()) return node.asText();
        if (node.isArray() && !node.isEmpty()) {
            for (JsonNode t : node) if ("default".equals(t.path("name").asText())) return t.path("template").asText();
            return node.get(0).path("template").asText();
        }
        return null;
    }

    /** A special token is written either as its content or as a serialised AddedToken object. */
    private static String token(JsonNode node) {
        if (node.isTextual()) return node.asText();
        if (node.isObject() && node.path("content").isTextual()) return node.path("content").asText();
        return null;
    }
}
