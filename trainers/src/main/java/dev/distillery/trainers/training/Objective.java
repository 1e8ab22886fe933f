package dev.distillery.trainers.training;

import dev.distillery.trainers.engine.Batch;
import dev.distillery.trainers.engine.SequenceScores;

import java.util.List;
import java.util.Map;

/**
 * What a training run optimises, over units of its own kind (SFT rows, preference pairs). The loop in
 * {@link TrainingLoop} shuffles units, groups them into micro-batches and optimizer steps, and asks the objective
 * for the batch of a micro-batch and for dLoss/dLogProb per row after the forward.
 *
 * @param <U> the unit: what is shuffled and counted in a step
 */
public interface Objective<U> {

    /** Rows of the micro-batch holding {@code units}. */
    Batch batch(List<U> units);

    /**
     * The normaliser of a whole optimizer step, computed before any forward so that accumulation is exact: SFT uses
     * the step's scored tokens (token mean), preference objectives the step's pairs (pair mean).
     */
    double stepWeight(List<U> stepUnits);

    /**
     * Fills {@code dLogProb} (one entry per batch row) for this micro-batch and returns its share of the step's loss;
     * adds any per-step metric sums (already divided by {@code stepWeight}) to {@code metrics}.
     */
    double gradient(List<U> units, SequenceScores scores, double stepWeight, double[] dLogProb, Map<String, Double> metrics);

    /** Scored tokens in the units, for the {@code num_tokens} metric. */
    long tokens(List<U> units);

    /** Whether the loss is a token-mean negative log-likelihood, so that exp(loss) is a perplexity worth reporting. */
    default boolean lossIsTokenNll() {
        return false;
    }
}
