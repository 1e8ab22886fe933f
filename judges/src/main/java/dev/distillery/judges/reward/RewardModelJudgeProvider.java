package dev.distillery.judges.reward;

import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairwiseJudge;

import java.nio.file.Path;
import java.util.List;

/**
 * Registers the reward model as the pairwise judge {@code reward-model}: it loads a head file trained with
 * {@link RewardModelTrainer} and scores pairs with the in-process all-MiniLM-L6-v2.
 *
 * <pre>{@code judge: {provider: reward-model, head: models/rm-head.json, tieMargin: 0.05}}</pre>
 */
public final class RewardModelJudgeProvider implements JudgeProvider {

    @Override
    public String name() {
        return "reward-model";
    }

    @Override
    public String description() {
        return "Bradley-Terry reward model over all-MiniLM-L6-v2 embeddings; needs a head file from RewardModelTrainer";
    }

    @Override
    public Kind kind() {
        return Kind.PAIRWISE;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(
                new JudgeParameter("head", "path of the head file (JSON) written by RewardModelTrainer", null),
                new JudgeParameter("tieMargin", "a tie when |P(first > second) - 0.5| is at most this", "0.0"));
    }

    @Override
    public PairwiseJudge createPairwise(JudgeConfig config) {
        String where = config.source() == null ? "judge config" : config.source();
        Object head = config.settings().get("head");
        if (!(head instanceof String path) || path.isBlank()) {
            throw new IllegalArgumentException(where + ": setting 'head' of judge 'reward-model' must be the path of a "
                    + "head file, found " + head);
        }
        Object margin = config.settings().getOrDefault("tieMargin", 0.0);
        if (!(margin instanceof Number n)) {
            throw new IllegalArgumentException(where + ": setting 'tieMargin' must be a number, found " + margin);
        }
        RewardModel model = RewardModel.load(Path.of(path));
        return model.asJudge("reward-model:" + Path.of(path).getFileName(), n.doubleValue());
    }
}
