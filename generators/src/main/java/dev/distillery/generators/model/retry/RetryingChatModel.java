package dev.distillery.generators.model.retry;

import dev.distillery.generators.model.ChatModelDecorator;
import dev.distillery.generators.model.ModelCallException;
import dev.distillery.generators.model.ModelCallException.Kind;
import dev.distillery.generators.model.concurrency.AimdLimiter;
import dev.distillery.generators.model.concurrency.AimdLimiter.Outcome;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Retries, per-attempt timeouts and admission: each attempt first takes a slot from the endpoint's
 * {@link AimdLimiter} (when one is given), runs with the policy's timeout, and reports 429s and timeouts to the
 * limiter. A call that finally fails throws {@link ModelCallException} with its {@link Kind}, the number of attempts
 * and a key-free reason; 4xx other than 408/429 is never retried.
 *
 * <p>The slot is held per attempt, not per call: a caller waiting out a {@code Retry-After} holds no slot, so the
 * endpoint's capacity goes to calls that can use it now.
 *
 * <pre>{@code ChatModel m = new RetryingChatModel(raw, RetryPolicy.defaults(), limiter);}</pre>
 */
public final class RetryingChatModel extends ChatModelDecorator {

    private final RetryPolicy policy;
    private final AimdLimiter limiter;
    private final LongAdder attempts = new LongAdder();
    private final ConcurrentHashMap<Kind, LongAdder> failedAttempts =
            new ConcurrentHashMap<>();

    /** @param limiter admission per attempt, or null for none */
    public RetryingChatModel(ChatModel delegate, RetryPolicy policy, AimdLimiter limiter) {
        super(delegate);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.limiter = limiter;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Failure last = null;
        for (int attempt = 1; ; attempt++) {
            AimdLimiter.Permit permit;
            try {
                permit = limiter == null ? null : limiter.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelCallException(Kind.OTHER, "interrupted while waiting for a slot", attempt - 1, e);
            }
            Outcome outcome = Outcome.IGNORE;
            Duration wait;
            try {
                attempts.increment();
                ChatResponse response = attempt(request);
                outcome = Outcome.SUCCESS;
                return response;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelCallException(Kind.OTHER, "interrupted", attempt, e);
            } catch (RuntimeException e) {
                Failure f = Failure.of(e);
                failedAttempts.computeIfAbsent(f.kind(), k -> new LongAdder()).increment();
                if (f.kind() == Kind.RATE_LIMITED || f.kind() == Kind.TIMEOUT) outcome = Outcome.OVERLOAD;
                if (e instanceof ModelCallException m && !f.retryable()) throw m;
                last = f;
                if (!f.retryable() || attempt == policy.maxAttempts()) {
                    throw new ModelCallException(f.kind(), f.message() + (attempt > 1 ? " (after " + attempt + " attempts)" : ""),
                            attempt, e);
                }
                if (f.retryAfter() != null && f.retryAfter().compareTo(policy.maxRetryAfter()) > 0) {
                    throw new ModelCallException(f.kind(), f.message() + " (server asked to retry after "
                            + f.retryAfter().toSeconds() + " s, more than the " + policy.maxRetryAfter().toSeconds()
                            + " s allowed)", attempt, e);
                }
                wait = policy.backoff(attempt, f.retryAfter());
            } finally {
                // Released before any backoff: a caller waiting to retry holds no slot. Errors release it too.
                if (permit != null) permit.release(outcome);
            }
            try {
                if (!wait.isZero()) Thread.sleep(wait);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new ModelCallException(Kind.OTHER, "interrupted while backing off after: " + last.message(), attempt, ie);
            }
        }
    }

    /** Attempts sent so far, by every caller. */
    public long attempts() {
        return attempts.sum();
    }

    /** Failed attempts so far by reason (429s are {@link Kind#RATE_LIMITED}), retried or not. */
    public Map<Kind, Long> failedAttempts() {
        Map<Kind, Long> out = new EnumMap<>(Kind.class);
        failedAttempts.forEach((k, n) -> out.put(k, n.sum()));
        return out;
    }

    /** One attempt on a virtual thread, abandoned (interrupted) when the timeout passes. */
    private ChatResponse attempt(ChatRequest request) throws InterruptedException {
        CompletableFuture<ChatResponse> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("model-call").start(() -> {
            try {
                result.complete(next(request));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        Duration timeout = policy.timeout();
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            worker.interrupt();
            throw new AttemptTimeoutException(timeout);
        } catch (InterruptedException e) {
            worker.interrupt();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }
}
