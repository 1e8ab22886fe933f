package dev.distillery.generators.model.concurrency;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Adaptive concurrency for one model endpoint, AIMD as in TCP congestion avoidance: the limit on calls in flight
 * grows by one after each window of {@code limit} successes (about once per round of calls) up to a maximum, and is
 * multiplied by {@code backoffRatio} (floor 1) when the endpoint answers 429 or times out. Callers over the limit
 * block on a condition (cheap on virtual threads); nothing polls.
 *
 * <p>Only one decrease per round: a 429 for a call admitted before the last decrease says nothing new about the
 * smaller limit, so it is not counted again. Without this, a burst of 429s from one overload would cut the limit to 1.
 *
 * <pre>{@code
 * AimdLimiter limiter = AimdLimiter.builder().initialLimit(8).maxLimit(128).build();
 * AimdLimiter.Permit p = limiter.acquire();
 * try { call(); p.release(Outcome.SUCCESS); } catch (RateLimited e) { p.release(Outcome.OVERLOAD); }
 * }</pre>
 */
public final class AimdLimiter {

    /** What an admitted attempt reports back. */
    public enum Outcome {
        /** Answered: counts towards the next increase. */
        SUCCESS,
        /** 429 or timeout: the endpoint is saturated, decrease. */
        OVERLOAD,
        /** Failed for another reason (bad request, malformed answer): no signal about capacity. */
        IGNORE
    }

    private static final ConcurrentHashMap<String, AimdLimiter> SHARED = new ConcurrentHashMap<>();

    private final int minLimit;
    private final int maxLimit;
    private final double backoffRatio;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition slotFree = lock.newCondition();
    private int limit;
    private int inFlight;
    private int successesInWindow;
    private long generation;
    private long decreases;
    private long increases;
    private int lowestLimit;

    private AimdLimiter(Builder b) {
        this.minLimit = b.minLimit;
        this.maxLimit = b.maxLimit;
        this.backoffRatio = b.backoffRatio;
        this.limit = b.initialLimit;
        this.lowestLimit = b.initialLimit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The process-wide limiter of an endpoint (see {@code ModelIdentity.endpoint()}), created from {@code settings}
     * on first use: two model-access stacks over the same endpoint share one limit, as they share its capacity.
     */
    public static AimdLimiter shared(String endpoint, Builder settings) {
        return SHARED.computeIfAbsent(endpoint, e -> settings.build());
    }

    /** Blocks until a slot is free, then takes it. */
    public Permit acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (inFlight >= limit) slotFree.await();
            inFlight++;
            return new Permit(generation);
        } finally {
            lock.unlock();
        }
    }

    private void release(long admittedIn, Outcome outcome) {
        lock.lock();
        try {
            inFlight--;
            switch (outcome) {
                case SUCCESS -> {
                    if (++successesInWindow >= limit) {
                        successesInWindow = 0;
                        if (limit < maxLimit) {
                            limit++;
                            increases++;
                        }
                    }
                }
                case OVERLOAD -> {
                    if (admittedIn == generation) {
                        limit = Math.max(minLimit, (int) Math.floor(limit * backoffRatio));
                        lowestLimit = Math.min(lowestLimit, limit);
                        generation++;
                        successesInWindow = 0;
                        decreases++;
                    }
                }
                case IGNORE -> {
                }
            }
            // signalAll: after an increase more than one waiter may proceed; waiters recheck the limit anyway.
            slotFree.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The current state, for tests, benchmarks and the dashboard. */
    public Snapshot snapshot() {
        lock.lock();
        try {
            return new Snapshot(limit, inFlight, increases, decreases, lowestLimit, maxLimit);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param limit       calls allowed in flight now
     * @param inFlight    calls in flight now
     * @param increases   additive increases so far
     * @param decreases   multiplicative decreases so far
     * @param lowestLimit the lowest limit reached so far
     * @param maxLimit    the ceiling
     */
    public record Snapshot(int limit, int inFlight, long increases, long decreases, int lowestLimit, int maxLimit) {
    }

    /** One admitted attempt; release it exactly once. */
    public final class Permit {
        private final long generation;
        private boolean released;

        private Permit(long generation) {
            this.generation = generation;
        }

        public void release(Outcome outcome) {
            Objects.requireNonNull(outcome, "outcome");
            if (released) throw new IllegalStateException("permit released twice");
            released = true;
            AimdLimiter.this.release(generation, outcome);
        }
    }

    /** Limiter settings: initial 8, between 1 and 64, halve on overload. */
    public static final class Builder {
        private int initialLimit = 8;
        private int minLimit = 1;
        private int maxLimit = 64;
        private double backoffRatio = 0.5;

        public Builder initialLimit(int n) {
            this.initialLimit = n;
            return this;
        }

        public Builder minLimit(int n) {
            this.minLimit = n;
            return this;
        }

        public Builder maxLimit(int n) {
            this.maxLimit = n;
            return this;
        }

        /** The factor applied on overload, in (0, 1); 0.5 halves. */
        public Builder backoffRatio(double ratio) {
            this.backoffRatio = ratio;
            return this;
        }

        public AimdLimiter build() {
            if (minLimit < 1) throw new IllegalArgumentException("minLimit must be >= 1, got " + minLimit);
            if (maxLimit < minLimit) throw new IllegalArgumentException("maxLimit " + maxLimit + " < minLimit " + minLimit);
            if (initialLimit < minLimit || initialLimit > maxLimit) {
                throw new IllegalArgumentException("initialLimit " + initialLimit + " outside [" + minLimit + ", " + maxLimit + "]");
            }
            if (!(backoffRatio > 0 && backoffRatio < 1)) {
                throw new IllegalArgumentException("backoffRatio must be in (0, 1), got " + backoffRatio);
            }
            return new AimdLimiter(this);
        }
    }
}
