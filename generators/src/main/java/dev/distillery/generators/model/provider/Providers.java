package dev.distillery.generators.model.provider;

import dev.distillery.generators.model.ModelIdentity;
import dev.distillery.generators.model.ProviderSpec;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds the plain LangChain4j {@link ChatModel} for a {@link ProviderSpec}, after checking the whole spec: an
 * unknown provider, a malformed URL or a missing key fails here, before any call is paid for, naming the file and
 * field. LangChain4j's own retries are switched off (model access retries with its own policy).
 *
 * <pre>{@code Providers.Resolved r = Providers.resolve(spec, System::getenv); ChatModel raw = r.build(timeout);}</pre>
 */
public final class Providers {

    /** The provider names a spec may use. */
    public enum Kind {
        OPENAI("openai", "https://api.openai.com/v1", "OPENAI_API_KEY", true),
        OPENAI_COMPATIBLE("openai-compatible", null, null, false),
        OLLAMA("ollama", "http://localhost:11434", null, false),
        ANTHROPIC("anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY", true);

        private final String configName;
        private final String defaultBaseUrl;
        private final String defaultKeyEnv;
        private final boolean needsKey;

        Kind(String configName, String defaultBaseUrl, String defaultKeyEnv, boolean needsKey) {
            this.configName = configName;
            this.defaultBaseUrl = defaultBaseUrl;
            this.defaultKeyEnv = defaultKeyEnv;
            this.needsKey = needsKey;
        }

        public String configName() {
            return configName;
        }

        static Kind byName(String name) {
            for (Kind k : values()) if (k.configName.equals(name)) return k;
            return null;
        }
    }

    /** The parameter keys a spec may set, with the type each needs. */
    private static final Map<String, Class<?>> PARAMETERS = Map.of(
            "temperature", Number.class, "top_p", Number.class, "top_k", Number.class, "max_tokens", Number.class,
            "seed", Number.class, "stop", List.class, "frequency_penalty", Number.class, "presence_penalty", Number.class);

    private Providers() {
    }

    /**
     * A spec that passed every check, with its key read from the environment. Its {@code toString} never shows the
     * key.
     */
    public static final class Resolved {
        private final ProviderSpec spec;
        private final Kind kind;
        private final String baseUrl;
        private final String apiKey;

        private Resolved(ProviderSpec spec, Kind kind, String baseUrl, String apiKey) {
            this.spec = spec;
            this.kind = kind;
            this.baseUrl = baseUrl;
            this.apiKey = apiKey;
        }

        public ProviderSpec spec() {
            return spec;
        }

        public ModelIdentity identity() {
            return new ModelIdentity(kind.configName, baseUrl, spec.model());
        }

        /** The LangChain4j model, with {@code timeout} as its HTTP read timeout and no retries of its own. */
        public ChatModel build(Duration timeout) {
            StatusAwareHttpClient.Builder http = StatusAwareHttpClient.builder()
                    .connectTimeout(min(timeout, Duration.ofSeconds(10))).readTimeout(timeout);
            Map<String, Object> p = spec.parameters();
            return switch (kind) {
                case OPENAI, OPENAI_COMPATIBLE -> OpenAiChatModel.builder()
                        .httpClientBuilder(http).baseUrl(baseUrl).apiKey(apiKey == null ? "none" : apiKey)
                        .modelName(spec.model()).timeout(timeout).maxRetries(0)
                        .defaultRequestParameters(OpenAiChatRequestParameters.builder()
                                .overrideWith(common(p)).seed(integer(p, "seed")).build())
                        // OpenAI, vLLM and llama.cpp server all accept response_format json_schema.
                        .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                        .strictJsonSchema(kind == Kind.OPENAI ? Boolean.TRUE : null)
                        .build();
                case OLLAMA -> OllamaChatModel.builder()
                        .httpClientBuilder(http).baseUrl(baseUrl).modelName(spec.model()).timeout(timeout).maxRetries(0)
                        .defaultRequestParameters(OllamaChatRequestParameters.builder()
                                .overrideWith(common(p)).seed(integer(p, "seed")).build())
                        .supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                        .build();
                case ANTHROPIC -> AnthropicChatModel.builder()
                        .httpClientBuilder(http).baseUrl(baseUrl).apiKey(apiKey).modelName(spec.model())
                        .timeout(timeout).maxRetries(0)
                        // Anthropic rejects a request without max_tokens; 1024 unless the spec says otherwise.
                        .defaultRequestParameters(DefaultChatRequestParameters.builder().overrideWith(common(p))
                                .maxOutputTokens(p.containsKey("max_tokens") ? integer(p, "max_tokens") : 1024).build())
                        .build();
            };
        }

        @Override
        public String toString() {
            return "Resolved[" + identity() + ", key from " + (apiKey == null ? "nowhere" : "env") + "]";
        }
    }

    /**
     * Checks {@code spec} and reads its key through {@code env}; every problem found is reported in one
     * {@link IllegalArgumentException}, each line naming {@code file: path.field}.
     */
    public static Resolved resolve(ProviderSpec spec, Function<String, String> env) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(env, "env");
        ProviderSpec.Source src = spec.source();
        List<String> problems = new ArrayList<>();

        Kind kind = spec.provider() == null ? null : Kind.byName(spec.provider().trim().toLowerCase(Locale.ROOT));
        if (kind == null) {
            List<String> names = Arrays.stream(Kind.values()).map(Kind::configName).toList();
            String hint = spec.provider() == null ? "" : didYouMean(spec.provider(), names);
            problems.add(src.field("provider") + ": " + (spec.provider() == null ? "missing" : "unknown provider '" + spec.provider() + "'")
                    + hint + " (known: " + String.join(", ", names) + ")");
        }
        if (spec.model() == null || spec.model().isBlank()) problems.add(src.field("model") + ": missing");

        String baseUrl = spec.baseUrl() != null ? spec.baseUrl().trim() : kind == null ? null : kind.defaultBaseUrl;
        if (baseUrl == null) {
            if (kind != null) problems.add(src.field("base_url") + ": missing (provider '" + kind.configName + "' has no default endpoint)");
        } else {
            String urlProblem = checkUrl(baseUrl);
            if (urlProblem != null) problems.add(src.field("base_url") + ": '" + baseUrl + "' " + urlProblem);
            while (baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }

        String apiKey = null;
        String keyEnv = spec.apiKeyEnv() != null ? spec.apiKeyEnv().trim() : kind == null ? null : kind.defaultKeyEnv;
        if (keyEnv != null) {
            if (keyEnv.isEmpty() || !keyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problems.add(src.field("api_key_env") + ": '" + keyEnv + "' is not an environment variable name"
                        + " (give the variable's name, never the key itself)");
            } else {
                apiKey = env.apply(keyEnv);
                if (apiKey == null || apiKey.isBlank()) {
                    problems.add(src.field("api_key_env") + ": environment variable " + keyEnv + " is not set");
                    apiKey = null;
                }
            }
        } else if (kind != null && kind.needsKey) {
            problems.add(src.field("api_key_env") + ": missing");
        }

        spec.parameters().forEach((key, value) -> {
            Class<?> type = PARAMETERS.get(key);
            if (type == null) {
                problems.add(src.field("parameters." + key) + ": unknown parameter" + didYouMean(key, PARAMETERS.keySet())
                        + " (known: " + String.join(", ", PARAMETERS.keySet().stream().sorted().toList()) + ")");
            } else if (!type.isInstance(value)) {
                problems.add(src.field("parameters." + key) + ": expected " + (type == Number.class ? "a number" : "a list")
                        + ", got " + (value == null ? "null" : "'" + value + "'"));
            }
        });

        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
        Secrets.register(apiKey);
        return new Resolved(spec, kind, baseUrl, apiKey);
    }

    private static String checkUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
                return "is not an http(s) URL";
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) return "has no host";
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
    }

    private static ChatRequestParameters common(Map<String, Object> p) {
        @SuppressWarnings("unchecked")
        List<String> stop = (List<String>) p.get("stop");
        return DefaultChatRequestParameters.builder()
                .temperature(decimal(p, "temperature")).topP(decimal(p, "top_p")).topK(integer(p, "top_k"))
                .maxOutputTokens(integer(p, "max_tokens")).stopSequences(stop)
                .frequencyPenalty(decimal(p, "frequency_penalty")).presencePenalty(decimal(p, "presence_penalty"))
                .build();
    }

    private static Double decimal(Map<String, Object> p, String key) {
        return p.get(key) instanceof Number n ? n.doubleValue() : null;
    }

    private static Integer integer(Map<String, Object> p, String key) {
        return p.get(key) instanceof Number n ? n.intValue() : null;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** {@code " (did you mean 'openai'?)"} for the closest name within edit distance 3, else empty. */
    static String didYouMean(String given, java.util.Collection<String> names) {
        String g = given.toLowerCase(Locale.ROOT);
        return names.stream()
                .map(n -> Map.entry(n, distance(g, n)))
                .filter(e -> e.getValue() <= 3)
                .min(Comparator.comparingInt(Map.Entry::getValue))
                .map(e -> " (did you mean '" + e.getKey() + "'?)")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
