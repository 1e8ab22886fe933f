package dev.distillery.generators.flow;

import dev.distillery.generators.model.ModelCallException;

import java.time.Duration;
import java.util.Map;

/**
 * How a run ended.
 *
 * @param progress           the final counters
 * @param stopReason         why it stopped
 * @param deadLettersByKind  dead letters grouped by failure kind
 * @param failedBatches      batches whose {@code process} threw; their unaccounted inputs became dead letters (a
 *                           conforming flow keeps this at 0)
 * @param elapsed            wall time
 */
public record RunReport(FlowProgress progress, StopReason stopReason, Map<ModelCallException.Kind, Long> deadLettersByKind,
                        long failedBatches, Duration elapsed) {

    /** Why a run stopped. */
    public enum StopReason {
        /** Every input was processed (on every pass). */
        SOURCE_EXHAUSTED,
        /** The requested number of accepted records was reached. */
        TARGET_REACHED,
        /** A call, token or cost limit was reached. */
        BUDGET_EXHAUSTED
    }
}
