package dev.distillery.generators.model;

/**
 * A model call that finally failed, after every retry and re-ask its decorators allowed. The {@link Kind} says why,
 * so that a flow can write a {@link DeadLetter} instead of silently dropping the record.
 */
public final class ModelCallException extends RuntimeException {

    /** Why a call failed; the dead-letter file and the run's counters group failures by it. */
    public enum Kind {
        /** 429 or a provider's quota error, still failing after the last retry. */
        RATE_LIMITED,
        /** No answer within the call timeout. */
        TIMEOUT,
        /** 5xx or a dropped connection. */
        SERVER_ERROR,
        /** 4xx other than 429: bad request, bad key, unknown model. Never retried. */
        CLIENT_ERROR,
        /** The model answered, but not in the requested structure, even after repair and re-asks. */
        MALFORMED_OUTPUT,
        /** A call, token or cost budget ran out before the call was made. */
        BUDGET_EXHAUSTED,
        /** Anything else. */
        OTHER
    }

    private final Kind kind;
    private final int attempts;

    public ModelCallException(Kind kind, String message, int attempts, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.attempts = attempts;
    }

    public Kind kind() {
        return kind;
    }

    /** How many times the call was sent, re-asks included. */
    public int attempts() {
        return attempts;
    }
}
