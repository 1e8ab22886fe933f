package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.List;

/** Registers {@link PTrueJudge} as {@code p-true}. */
public final class PTrueProvider implements JudgeProvider {

    @Override
    public String name() {
        return "p-true";
    }

    @Override
    public String description() {
        return "self-evaluation P(True) in [0,1], from token log-probabilities where the model returns them, else the fraction of True over samples";
    }

    @Override
    public Kind kind() {
        return Kind.JUDGE;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(CommonParameters.NAME,
                new JudgeParameter("method", "auto: log-probabilities when available, else sampling; logprobs; sampling", "auto"),
                new JudgeParameter("samples", "how many answers are sampled to estimate the probability", "5"),
                new JudgeParameter("temperature", "sampling temperature; must be above 0 when samples > 1", "1.0"),
                new JudgeParameter("max-tokens", "cap on each reply in tokens", "16"));
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        JudgeSettings s = JudgeSettings.of(config, parameters(), name());
        try {
            return PTrueJudge.builder(s.model(config))
                    .name(CommonParameters.nameOrNull(s))
                    .promptDir(config.promptDir())
                    .method(s.choice("method", PTrueJudge.Method.class))
                    .samples(s.positiveInt("samples"))
                    .temperature(s.number("temperature"))
                    .maxTokens(s.positiveInt("max-tokens"))
                    .build();
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(s.where())) throw e;
            throw new IllegalArgumentException(s.where() + ": " + e.getMessage(), e);
        }
    }
}
