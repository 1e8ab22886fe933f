package dev.distillery.judges.reward;

import java.util.List;

/**
 * What {@link RewardModelTrainer#selfTrain} produced.
 *
 * <pre>{@code SelfTrainingResult r = trainer.selfTrain(labelled, unlabelled); r.model().save(path);}</pre>
 *
 * @param model        the reward model after the last round
 * @param rounds       round 0 (labelled only) and every self-training round, in order
 * @param pseudoLabels the pseudo-labels the final model was trained on
 */
public record SelfTrainingResult(RewardModel model, List<SsrmRound> rounds, List<PseudoLabel> pseudoLabels) {
    public SelfTrainingResult {
        rounds = List.copyOf(rounds);
        pseudoLabels = List.copyOf(pseudoLabels);
    }
}
