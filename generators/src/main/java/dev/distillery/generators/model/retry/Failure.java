package dev.distillery.generators.model.retry;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.model.ModelCallException.Kind;
import dev.distillery.generators.model.provider.HttpStatusException;
import dev.distillery.generators.model.provider.Secrets;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.UnresolvedModelServerException;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * What one failed attempt means: its {@link Kind}, whether another attempt may succeed, and how long the server asked
 * to wait. Built from whatever a LangChain4j model threw, walking the cause chain, because providers wrap transport
 * errors differently.
 *
 * <pre>{@code Failure f = Failure.of(exception); if (f.retryable()) sleep(f.retryAfter()); }</pre>
 *
 * @param kind       why the attempt failed
 * @param retryable  whether another attempt may succeed (429, 408, 5xx, timeouts, dropped connections, unreadable
 *                   bodies); never for other 4xx
 * @param retryAfter the server's Retry-After, or null
 * @param message    a short reason for the dead letter; keys are redacted
 */
public record Failure(Kind kind, boolean retryable, Duration retryAfter, String message) {

    private static final int MAX_MESSAGE = 500;

    /** Classifies {@code error}. */
    public static Failure of(Throwable error) {
        if (error instanceof ModelCallException m) return new Failure(m.kind(), false, null, m.getMessage());
        Duration retryAfter = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpStatusException s) retryAfter = s.retryAfter().orElse(null);
            if (t instanceof HttpException h) return ofStatus(h.statusCode(), h.getMessage(), retryAfter);
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AttemptTimeoutException || t instanceof HttpTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException
                    || t instanceof dev.langchain4j.exception.TimeoutException) {
                return new Failure(Kind.TIMEOUT, true, null, "timed out: " + text(t));
            }
            if (t instanceof RateLimitException) return new Failure(Kind.RATE_LIMITED, true, null, text(t));
            if (t instanceof InternalServerException) return new Failure(Kind.SERVER_ERROR, true, null, text(t));
            if (t instanceof AuthenticationException || t instanceof InvalidRequestException || t instanceof ModelNotFoundException) {
                return new Failure(Kind.CLIENT_ERROR, false, null, text(t));
            }
            if (t instanceof UnresolvedModelServerException) {
                return new Failure(Kind.SERVER_ERROR, true, null, "cannot resolve the model server: " + text(t));
            }
            if (t instanceof JsonProcessingException) {
                // A truncated or garbled response body: the server (or a proxy) broke mid-answer; asking again helps.
                return new Failure(Kind.SERVER_ERROR, true, null, "malformed response body: " + text(t));
            }
            if (t instanceof IOException) return new Failure(Kind.SERVER_ERROR, true, null, "connection failed: " + text(t));
        }
        return new Failure(Kind.OTHER, false, null, error.getClass().getSimpleName() + ": " + text(error));
    }

    private static Failure ofStatus(int status, String body, Duration retryAfter) {
        String msg = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + clip(body));
        if (status == 429) return new Failure(Kind.RATE_LIMITED, true, retryAfter, msg);
        if (status == 408) return new Failure(Kind.TIMEOUT, true, retryAfter, msg);
        if (status >= 500) return new Failure(Kind.SERVER_ERROR, true, retryAfter, msg);
        if (status >= 400) return new Failure(Kind.CLIENT_ERROR, false, null, msg);
        return new Failure(Kind.OTHER, false, null, msg);
    }

    private static String text(Throwable t) {
        String m = t.getMessage();
        return clip(m == null ? t.getClass().getSimpleName() : m);
    }

    private static String clip(String s) {
        String flat = Secrets.redact(s).replace('\n', ' ').replace('\r', ' ');
        return flat.length() > MAX_MESSAGE ? flat.substring(0, MAX_MESSAGE) + "..." : flat;
    }
}
