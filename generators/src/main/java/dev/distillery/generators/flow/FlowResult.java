package dev.distillery.generators.flow;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.generators.model.DeadLetter;

import java.util.List;
import java.util.Objects;

/**
 * What a flow produces for its inputs, as a value: an output record, a dead letter, or a deliberate decision to
 * drop a candidate. A failure is a result like any other, so one bad record never kills its batch.
 */
public sealed interface FlowResult {

    /** A record for the sink; its lineage names its parents. */
    record Output(DataRecord record) implements FlowResult {
        public Output {
            Objects.requireNonNull(record, "record");
        }
    }

    /** A call or parse that failed; {@link DeadLetter#recordId()} is the input that was being worked on. */
    record Failure(DeadLetter deadLetter) implements FlowResult {
        public Failure {
            Objects.requireNonNull(deadLetter, "deadLetter");
        }
    }

    /**
     * A candidate the flow itself rejected (a Self-Instruct task too similar to an existing one, a failed
     * evolution): counted and reported, never silently lost.
     *
     * @param recordId  the id the candidate would have had, or the input's id when no candidate was made
     * @param parentIds the inputs it was derived from
     * @param step      the step that rejected it
     * @param reason    why
     */
    record Filtered(String recordId, List<String> parentIds, String step, String reason) implements FlowResult {
        public Filtered {
            Objects.requireNonNull(recordId, "recordId");
            parentIds = parentIds == null ? List.of() : List.copyOf(parentIds);
            Objects.requireNonNull(reason, "reason");
        }
    }
}
