package dev.distillery.generators.flow;

import dev.distillery.datasets.model.DataRecord;
import dev.distillery.generators.model.DeadLetter;

import java.util.List;

/**
 * Where a flow puts its results. The runner gives each batch its own emitter, so a flow need not synchronise.
 *
 * <pre>{@code out.output(context.output(payload).parents(input).template(t).build());}</pre>
 */
@FunctionalInterface
public interface Emitter {

    void emit(FlowResult result);

    default void output(DataRecord record) {
        emit(new FlowResult.Output(record));
    }

    default void failed(DeadLetter deadLetter) {
        emit(new FlowResult.Failure(deadLetter));
    }

    default void filtered(String recordId, List<String> parentIds, String step, String reason) {
        emit(new FlowResult.Filtered(recordId, parentIds, step, reason));
    }
}
