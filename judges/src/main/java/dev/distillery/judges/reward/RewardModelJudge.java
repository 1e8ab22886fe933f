package dev.distillery.judges.reward;

import dev.distillery.judges.spi.PairInput;
import dev.distillery.judges.spi.PairwiseJudge;
import dev.distillery.judges.spi.PairwiseVerdict;

import java.util.Locale;
import java.util.Objects;

/**
 * The reward model as a pairwise judge: the answer with the higher reward wins; a tie when P(first ≻ second) is
 * within {@code tieMargin} of 0.5. The head is antisymmetric, so the verdict cannot depend on the order of the
 * answers and {@code swapConsistent} is always true. An embedder failure becomes a {@link PairwiseVerdict.Failed}.
 *
 * <pre>{@code PairwiseVerdict v = RewardModel.load(head).asJudge("reward-model", 0.05).compare(pair);}</pre>
 */
public final class RewardModelJudge implements PairwiseJudge {

    private final String name;
    private final RewardModel model;
    private final double tieMargin;

    public RewardModelJudge(String name, RewardModel model, double tieMargin) {
        this.name = Objects.requireNonNull(name, "name");
        this.model = Objects.requireNonNull(model, "model");
        if (!(tieMargin >= 0 && tieMargin < 0.5)) {
            throw new IllegalArgumentException("tieMargin must be in [0, 0.5), got " + tieMargin);
        }
        this.tieMargin = tieMargin;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PairwiseVerdict compare(PairInput input) {
        double p;
        try {
            p = model.preference(input.prompt(), input.first(), input.second());
        } catch (RuntimeException e) {
            return new PairwiseVerdict.Failed(name, "reward model failed: " + e, null);
        }
        PairwiseVerdict.Winner winner = Math.abs(p - 0.5) <= tieMargin ? PairwiseVerdict.Winner.TIE
                : p > 0.5 ? PairwiseVerdict.Winner.FIRST : PairwiseVerdict.Winner.SECOND;
        return new PairwiseVerdict.Decided(name, winner, Boolean.TRUE,
                String.format(Locale.ROOT, "P(first > second) = %.4f", p));
    }
}
