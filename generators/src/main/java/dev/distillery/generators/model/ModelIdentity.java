package dev.distillery.generators.model;

import java.util.Objects;

/**
 * Which model a call goes to: the provider, the endpoint and the model name. It is part of every call-cache key (the
 * same prompt to another model is another call), the unit of adaptive concurrency (one limiter per endpoint and
 * model) and the first column of the usage ledger.
 *
 * <pre>{@code ModelIdentity id = new ModelIdentity("openai", "https://api.openai.com/v1", "gpt-4o-mini");}</pre>
 *
 * @param provider the provider's config name, e.g. {@code openai-compatible}
 * @param baseUrl  the endpoint, e.g. {@code http://localhost:8000/v1}
 * @param model    the model name sent to the endpoint
 */
public record ModelIdentity(String provider, String baseUrl, String model) {

    public ModelIdentity {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
    }

    /** The endpoint key adaptive concurrency limits by: one limit per served model, whatever the provider name. */
    public String endpoint() {
        return baseUrl + "#" + model;
    }

    @Override
    public String toString() {
        return provider + ":" + model + "@" + baseUrl;
    }
}
