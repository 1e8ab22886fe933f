package dev.distillery.generators.model;

import dev.distillery.generators.model.accounting.Price;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One named model as a pipeline file configures it. The API key itself is never here: only the name of the
 * environment variable that holds it, so that a spec can be printed, logged and stored with a run.
 *
 * <pre>{@code
 * ProviderSpec teacher = ProviderSpec.builder("teacher", "openai-compatible")
 *         .baseUrl("http://localhost:8000/v1").model("qwen2.5-7b-instruct")
 *         .parameter("temperature", 0.7).parameter("seed", 42)
 *         .source("pipeline.yaml", "models.teacher").build();
 * }</pre>
 *
 * @param name       the name flows refer to, e.g. {@code teacher}
 * @param provider   {@code openai}, {@code openai-compatible} (vLLM, llama.cpp server, TGI), {@code ollama} or
 *                   {@code anthropic}
 * @param baseUrl    the endpoint; null takes the provider's public default where it has one
 * @param model      the model name sent to the endpoint
 * @param apiKeyEnv  the environment variable holding the key; null takes the provider's default variable
 *                   ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}) or none for local servers
 * @param parameters default request parameters: {@code temperature}, {@code top_p}, {@code top_k},
 *                   {@code max_tokens}, {@code seed}, {@code stop}, {@code frequency_penalty},
 *                   {@code presence_penalty}
 * @param price      USD per million tokens, for cost accounting; null for free (local) models
 * @param source     where this spec was read from, so that errors name the file and field
 */
public record ProviderSpec(String name, String provider, String baseUrl, String model, String apiKeyEnv,
                           Map<String, Object> parameters, Price price, Source source) {

    public ProviderSpec {
        Objects.requireNonNull(name, "name");
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        source = source == null ? new Source("<code>", "models." + name) : source;
    }

    public static Builder builder(String name, String provider) {
        return new Builder(name, provider);
    }

    /**
     * Where a spec came from: errors read {@code file: path.field: problem}.
     *
     * @param file the configuration file, e.g. {@code pipeline.yaml}
     * @param path the spec's path inside it, e.g. {@code models.teacher}
     */
    public record Source(String file, String path) {

        /** {@code pipeline.yaml: models.teacher.base_url} for field {@code base_url}. */
        public String field(String field) {
            return file + ": " + path + "." + field;
        }
    }

    /** Builder for specs written in code (tests, programmatic pipelines). */
    public static final class Builder {
        private final String name;
        private final String provider;
        private String baseUrl;
        private String model;
        private String apiKeyEnv;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private Price price;
        private Source source;

        private Builder(String name, String provider) {
            this.name = name;
            this.provider = provider;
        }

        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder apiKeyEnv(String apiKeyEnv) {
            this.apiKeyEnv = apiKeyEnv;
            return this;
        }

        public Builder parameter(String key, Object value) {
            parameters.put(key, value);
            return this;
        }

        public Builder price(Price price) {
            this.price = price;
            return this;
        }

        public Builder source(String file, String path) {
            this.source = new Source(file, path);
            return this;
        }

        public ProviderSpec build() {
            return new ProviderSpec(name, provider, baseUrl, model, apiKeyEnv, parameters, price, source);
        }
    }
}
