package dev.distillery.judges.reward;

/**
 * How a head was trained; stored in the head file for the record.
 *
 * <pre>{@code head.training().trainingAccuracy()}</pre>
 *
 * @param labelledPairs       human- or judge-labelled pairs used
 * @param pseudoLabelledPairs pairs labelled by the model itself (SSRM), 0 for plain training
 * @param iterations          Newton steps of the final fit
 * @param gradientNorm        gradient norm at the final weights
 * @param converged           whether the final fit reached the gradient tolerance
 * @param trainingAccuracy    share of the labelled pairs the head ranks correctly
 */
public record TrainingStats(int labelledPairs, int pseudoLabelledPairs, int iterations, double gradientNorm,
                            boolean converged, double trainingAccuracy) {
}
