package dev.distillery.orchestrator.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/**
 * A model a stage may call. Hosted providers are reached through LangChain4j; {@code local} loads a model directory
 * (optionally with a LoRA adapter) in-process. An API key is never written here, only the name of the environment
 * variable that holds it.
 *
 * @param provider       openai, openai-compatible, ollama, anthropic, local, or sandbox (the offline simulated teacher)
 * @param baseUrl        endpoint (required for openai-compatible and ollama)
 * @param model          model id at the provider (hosted providers)
 * @param apiKeyEnv      environment variable holding the key (openai, anthropic; optional for openai-compatible)
 * @param path           model directory (local)
 * @param adapter        PEFT adapter directory (local, optional)
 * @param parameters     default request parameters: temperature, top_p, max_tokens, seed, ...
 * @param price          USD per million tokens, for cost accounting (optional)
 * @param maxConcurrency most requests in flight to this model (AIMD adapts below it)
 * @param initialConcurrency where AIMD starts (default min(8, max_concurrency)); an endpoint known to take
 *                           max_concurrency from the first call need not wait for the additive ramp (one step per
 *                           round of answers: from 8 to 64 takes about 2,000 answers)
 */
public record ModelSpec(String provider, String baseUrl, String model, String apiKeyEnv, String path, String adapter,
                        Map<String, Object> parameters, Price price, Integer maxConcurrency,
                        // Left out of the JSON when unset, so that the fingerprints of existing specs do not change.
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer initialConcurrency) {

    public ModelSpec {
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(StageSpec.normalize(parameters));
    }

    /** A model whose AIMD limiter starts at the default. */
    public ModelSpec(String provider, String baseUrl, String model, String apiKeyEnv, String path, String adapter,
                     Map<String, Object> parameters, Price price, Integer maxConcurrency) {
        this(provider, baseUrl, model, apiKeyEnv, path, adapter, parameters, price, maxConcurrency, null);
    }

    /** Cost per million input and output tokens, in USD. */
    public record Price(double inputPerMillion, double outputPerMillion) {
    }
}
