package dev.distillery.orchestrator.spec;

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
 */
public record ModelSpec(String provider, String baseUrl, String model, String apiKeyEnv, String path, String adapter,
                        Map<String, Object> parameters, Price price, Integer maxConcurrency) {

    public ModelSpec {
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(StageSpec.normalize(parameters));
    }

    /** Cost per million input and output tokens, in USD. */
    public record Price(double inputPerMillion, double outputPerMillion) {
    }
}
