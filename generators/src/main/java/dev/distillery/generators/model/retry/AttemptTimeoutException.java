package dev.distillery.generators.model.retry;

import java.time.Duration;

/** One attempt ran past the per-call timeout and was abandoned (its thread interrupted). */
final class AttemptTimeoutException extends RuntimeException {

    AttemptTimeoutException(Duration timeout) {
        super("no answer within " + timeout.toMillis() + " ms");
    }
}
