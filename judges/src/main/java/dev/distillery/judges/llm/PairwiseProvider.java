package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;
import dev.distillery.judges.spi.PairwiseJudge;

import java.util.List;

/** Registers {@link PairwiseGradeJudge} (with {@link PositionSwap} by default) as {@code pairwise}. */
public final class PairwiseProvider implements JudgeProvider {

    @Override
    public String name() {
        return "pairwise";
    }

    @Override
    public String description() {
        return "MT-Bench pairwise comparison ([[A]]/[[B]]/[[C]]), asked in both orders; disagreeing orders become a tie";
    }

    @Override
    public Kind kind() {
        return Kind.PAIRWISE;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(CommonParameters.NAME,
                new JudgeParameter("swap", "ask both position orders and tie on disagreement", "true"),
                CommonParameters.REFERENCE, CommonParameters.TEMPERATURE, CommonParameters.ATTEMPTS,
                CommonParameters.MAX_TOKENS);
    }

    @Override
    public PairwiseJudge createPairwise(JudgeConfig config) {
        JudgeSettings s = JudgeSettings.of(config, parameters(), name());
        return PairwiseGradeJudge.builder(s.model(config))
                .name(CommonParameters.nameOrNull(s))
                .promptDir(config.promptDir())
                .swap(s.flag("swap"))
                .referenceMode(s.choice("reference", ReferenceMode.class))
                .temperature(s.number("temperature"))
                .attempts(s.positiveInt("attempts"))
                .maxTokens(s.positiveInt("max-tokens"))
                .build();
    }
}
