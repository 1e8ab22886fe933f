package dev.distillery.generators.flow;

/**
 * A run's counters at one moment. {@code read = inputs the flow saw}; every output is exactly one of
 * accepted, rejected or surplus.
 *
 * @param read          input records read from the source
 * @param outputs       output records the flow produced
 * @param accepted      outputs that passed the acceptance predicate and went to the sink
 * @param rejected      outputs the acceptance predicate turned down
 * @param surplus       accepted-quality outputs produced after the target was already met (not written)
 * @param filtered      candidates the flow itself dropped (novelty filter, failed evolution)
 * @param deadLettered  dead letters written
 * @param calls         model calls sent
 * @param inputTokens   prompt tokens reported by the models
 * @param outputTokens  completion tokens reported by the models
 * @param cost          cost under the budget's pricing, 0 without one
 */
public record FlowProgress(long read, long outputs, long accepted, long rejected, long surplus, long filtered,
                           long deadLettered, long calls, long inputTokens, long outputTokens, double cost) {
}
