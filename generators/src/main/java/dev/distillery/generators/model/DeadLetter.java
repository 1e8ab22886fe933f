package dev.distillery.generators.model;

import java.time.Instant;

/**
 * A record that could not be produced, with the reason: every failed call ends here, never as a silently missing
 * row. Dead letters are written as JSONL next to a stage's output so that a user can inspect and re-queue them.
 *
 * @param recordId the id of the input record the flow was working on
 * @param flow     the flow's name, e.g. {@code self-instruct}
 * @param stage    the pipeline stage, or null outside a pipeline
 * @param model    the model id the failed call went to, or null when no call was made
 * @param kind     why it failed
 * @param reason   the human-readable reason (provider message, parse error, ...); never contains an API key
 * @param attempts how many times the call was sent
 * @param at       when it finally failed
 */
public record DeadLetter(String recordId, String flow, String stage, String model, ModelCallException.Kind kind,
                         String reason, int attempts, Instant at) {

    /**
     * The dead letter for a call that threw {@code failure}, in the {@link CallScope} current on this thread.
     *
     * <pre>{@code catch (ModelCallException e) { deadLetters.write(DeadLetter.of(record.id(), "teacher", e)); }}</pre>
     */
    public static DeadLetter of(String recordId, String model, ModelCallException failure) {
        CallScope scope = CallScope.current();
        return new DeadLetter(recordId, scope.flow(), scope.stage(), model, failure.kind(), failure.getMessage(),
                failure.attempts(), Instant.now());
    }
}
