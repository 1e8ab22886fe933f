package dev.distillery.generators.flow;

/**
 * Hears about a run as batches are committed, in input order, from one thread at a time.
 *
 * <pre>{@code .listener(p -> log.info(p.accepted() + " accepted"))}</pre>
 */
@FunctionalInterface
public interface RunListener {

    /** After each committed batch. */
    void onProgress(FlowProgress progress);

    /** Every result of the batch, before {@link #onProgress}; for audits and tests. */
    default void onResult(FlowResult result) {
    }
}
