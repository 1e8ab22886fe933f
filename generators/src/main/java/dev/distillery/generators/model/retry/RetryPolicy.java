package dev.distillery.generators.model.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a call is retried: exponential backoff with full jitter (a random wait between zero
 * and {@code initialBackoff * 2^(attempt-1)}, capped), so that many callers failing together do not retry together;
 * a server's {@code Retry-After} is honoured (up to {@code maxRetryAfter}) instead of the computed backoff.
 *
 * <pre>{@code RetryPolicy p = RetryPolicy.defaults().withMaxAttempts(3).withTimeout(Duration.ofSeconds(30));}</pre>
 *
 * @param maxAttempts    attempts in all, the first included (1 = no retry)
 * @param initialBackoff the backoff ceiling after the first failure
 * @param maxBackoff     the largest backoff ceiling
 * @param timeout        per attempt: an attempt without an answer by then is abandoned and counts as a timeout
 * @param maxRetryAfter  the longest Retry-After honoured; a server asking for more fails the call instead
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration timeout,
                          Duration maxRetryAfter) {

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be > 0");
    }

    /** 5 attempts, backoff 0.5 s doubling to 30 s, 120 s per attempt, Retry-After up to 5 minutes. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofMinutes(5));
    }

    public RetryPolicy withMaxAttempts(int n) {
        return new RetryPolicy(n, initialBackoff, maxBackoff, timeout, maxRetryAfter);
    }

    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, timeout, maxRetryAfter);
    }

    public RetryPolicy withTimeout(Duration t) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, t, maxRetryAfter);
    }

    public RetryPolicy withMaxRetryAfter(Duration d) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, timeout, d);
    }

    /** How long to wait after failed attempt number {@code attempt} (1-based). */
    public Duration backoff(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            // A small spread on top of the server's wait, so that callers rejected in the same instant come back spread out.
            long ms = retryAfter.toMillis();
            return Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(ms / 5 + 1));
        }
        long ceiling = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        ceiling = Math.min(Math.max(ceiling, 0), maxBackoff.toMillis());
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}
