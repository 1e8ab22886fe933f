package dev.distillery.orchestrator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes API keys, tokens and passwords from text, JSON and YAML before anything is persisted (spec copies,
 * events, logs, error messages). Two things are masked:
 * <ul>
 *   <li>values under keys that name a secret ({@code api_key}, {@code apiKey}, {@code token}, {@code password},
 *       {@code Authorization}, {@code client_secret}, ...), written as JSON pairs, YAML/properties pairs,
 *       {@code key=value} in logs and query strings, and {@code Bearer} credentials;</li>
 *   <li>the literal values of environment variables whose names end in {@code _KEY}, {@code _TOKEN},
 *       {@code _SECRET} or {@code _PASSWORD}, wherever they appear, and strings shaped like well-known provider
 *       keys ({@code sk-...}, {@code hf_...}, {@code ghp_...}, {@code AKIA...}).</li>
 * </ul>
 * Environment placeholders such as {@code ${OPENAI_API_KEY}} are references, not secrets, and are kept.
 *
 * <p>Usage: {@code String safe = Secrets.redact(specYaml);} or, with an explicit environment,
 * {@code Secrets.of(Map.of("OPENAI_API_KEY", key)).mask(text)}.
 */
public final class Secrets {

    /** What a secret is replaced with. */
    public static final String MASK = "***";

    /** Shorter values are too likely to occur by chance (a "1", a "true") to be replaced everywhere. */
    private static final int MIN_SECRET_LENGTH = 8;

    private static final List<String> SECRET_NAME_ENDINGS = List.of(
            "apikey", "accesskey", "secretkey", "privatekey", "secret", "password", "passwd", "passphrase",
            "token", "authorization", "credential", "credentials", "bearer", "cookie");
    /** Tokenizer settings end in "token" but hold vocabulary entries, not credentials. */
    private static final List<String> NOT_SECRET_NAMES = List.of(
            "padtoken", "eostoken", "bostoken", "unktoken", "septoken", "clstoken", "masktoken", "maxtoken",
            "maxtokens", "numtokens");
    private static final List<String> ENV_SECRET_SUFFIXES = List.of("_KEY", "_TOKEN", "_SECRET", "_PASSWORD");

    private static final Pattern JSON_PAIR =
            Pattern.compile("\"([A-Za-z0-9_.\\-]+)\"(\\s*:\\s*)\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** YAML, properties, headers, CLI flags and query strings: {@code name: value}, {@code name=value}. */
    private static final Pattern INLINE_PAIR = Pattern.compile(
            "(?<![A-Za-z0-9_.\\-])([A-Za-z0-9_.\\-]+)(\\s*[:=]\\s*)(\\$\\{[^}\\n]*}|\"[^\"\\n]*\"|'[^'\\n]*'|[^\\s,;&\"'}\\]\\[{]+)");
    private static final Pattern AUTH_SCHEME =
            Pattern.compile("(?i)\\b(Bearer|Basic|Token)(\\s+)([A-Za-z0-9._~+/=\\-]{8,})");
    private static final Pattern KEY_SHAPES = Pattern.compile(
            "\\b(?:sk-[A-Za-z0-9_\\-]{16,}|hf_[A-Za-z0-9]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|xox[baprs]-[A-Za-z0-9\\-]{10,})");
    private static final Pattern PLACEHOLDER = Pattern.compile("^[\"']?\\$\\{[A-Za-z0-9_.:\\-]*}[\"']?$");

    private static volatile Secrets environment;

    private final List<String> knownValues;

    private Secrets(List<String> knownValues) {
        this.knownValues = knownValues;
    }

    /** Masks secrets in {@code text} using the process environment's secret values. */
    public static String redact(String text) {
        return fromEnvironment().mask(text);
    }

    /** The masker for this process's environment (read once: the environment does not change). */
    public static Secrets fromEnvironment() {
        Secrets s = environment;
        if (s == null) {
            s = of(System.getenv());
            environment = s;
        }
        return s;
    }

    /** A masker that knows the secret values among {@code env} (variables named {@code *_KEY}, {@code *_TOKEN}, ...). */
    public static Secrets of(Map<String, String> env) {
        List<String> values = new ArrayList<>();
        env.forEach((name, value) -> {
            String upper = name.toUpperCase(Locale.ROOT);
            if (value != null && value.length() >= MIN_SECRET_LENGTH
                    && ENV_SECRET_SUFFIXES.stream().anyMatch(upper::endsWith)) {
                values.add(value);
            }
        });
        // Longest first, so a key that contains another key is not left half-masked.
        values.sort(Comparator.comparingInt(String::length).reversed());
        return new Secrets(List.copyOf(values));
    }

    /** Whether a field, header or variable with this name holds a secret ({@code api_key}, {@code X-Api-Key}, {@code accessToken}). */
    public static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(".", "");
        if (NOT_SECRET_NAMES.contains(n)) {
            return false;
        }
        return SECRET_NAME_ENDINGS.stream().anyMatch(n::endsWith);
    }

    /** Text, JSON or YAML with every secret replaced by {@link #MASK}; {@code null} stays {@code null}. */
    public String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        // Credentials after an auth scheme first: "Authorization: Bearer xyz" has a space inside its value.
        String out = AUTH_SCHEME.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        out = replacePairs(JSON_PAIR, out);
        out = replacePairs(INLINE_PAIR, out);
        return maskValues(out);
    }

    /**
     * Masks only known secret values and key-shaped strings, leaving field names alone: for opaque payloads such as
     * cached model responses, whose {@code "token"} fields (log-probabilities) are data, not credentials.
     */
    public String maskValues(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String value : knownValues) {
            out = out.replace(value, MASK);
        }
        return KEY_SHAPES.matcher(out).replaceAll(MASK);
    }

    /**
     * Masks only the known secret values (this environment's keys), nothing shaped like one: for data such as stage
     * records, where a model may legitimately write {@code sk-...} in an answer, but never the user's own key.
     */
    public String maskKnownValues(String text) {
        if (text == null || knownValues.isEmpty()) {
            return text;
        }
        String out = text;
        for (String value : knownValues) {
            if (out.contains(value)) out = out.replace(value, MASK);
        }
        return out;
    }

    /** Whether there are known secret values to mask (when not, {@link #maskKnownValues} changes nothing). */
    public boolean knowsValues() {
        return !knownValues.isEmpty();
    }

    /** A masked deep copy of {@code node}: values under secret names become {@link #MASK}, all strings are value-masked. */
    public JsonNode mask(JsonNode node) {
        Objects.requireNonNull(node, "node");
        JsonNode copy = node.deepCopy();
        return maskInPlace(copy);
    }

    private JsonNode maskInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
            List<String> secretFields = new ArrayList<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (isSecretName(field.getKey()) && value.isValueNode() && !value.isNull()
                        && !PLACEHOLDER.matcher(value.asText()).matches()) {
                    secretFields.add(field.getKey());
                } else {
                    field.setValue(maskInPlace(value));
                }
            }
            secretFields.forEach(name -> object.put(name, MASK));
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, maskInPlace(array.get(i)));
            }
            return array;
        }
        if (node.isTextual()) {
            String masked = mask(node.asText());
            return masked.equals(node.asText()) ? node : TextNode.valueOf(masked);
        }
        return node;
    }

    private static String replacePairs(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int from = 0;
        while (from < text.length() && m.find(from)) {
            String value = m.group(3);
            boolean secret = isSecretName(m.group(1)) && !value.isEmpty() && !value.equals(MASK)
                    && !PLACEHOLDER.matcher(value).matches() && !unquote(value).equals(MASK);
            if (!secret) {
                // Look inside the value too: "url: https://host/v1?token=abc" hides a pair in a harmless one.
                from = m.start(3);
                continue;
            }
            out.append(text, copied, m.start(3));
            out.append(pattern == JSON_PAIR ? MASK : quoteLike(value, m.group(2).contains(":")));
            copied = m.end(3);
            from = m.end(3);
        }
        out.append(text, copied, text.length());
        return out.toString();
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** The mask, quoted as the original was; after a colon always quoted, since a bare {@code *} starts a YAML alias. */
    private static String quoteLike(String original, boolean yamlLike) {
        if (original.startsWith("'")) {
            return "'" + MASK + "'";
        }
        if (original.startsWith("\"") || yamlLike) {
            return "\"" + MASK + "\"";
        }
        return MASK;
    }
}
