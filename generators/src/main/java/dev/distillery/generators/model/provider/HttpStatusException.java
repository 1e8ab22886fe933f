package dev.distillery.generators.model.provider;

import dev.langchain4j.exception.HttpException;

import java.time.Duration;
import java.util.Optional;

/**
 * A non-2xx answer from a provider, with the {@code Retry-After} the server asked for. LangChain4j's own
 * {@link HttpException} carries only the status and body; this subclass keeps the header so that retries can honour
 * it. It has no cause on purpose: LangChain4j maps provider errors by the root of the cause chain, so it must stay
 * the root to be mapped to {@code RateLimitException}, {@code InternalServerException}, ...
 */
public final class HttpStatusException extends HttpException {

    private final Duration retryAfter;

    public HttpStatusException(int statusCode, String message, Duration retryAfter) {
        super(statusCode, message);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked the client to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
