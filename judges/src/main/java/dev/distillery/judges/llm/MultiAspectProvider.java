package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Registers {@link MultiAspectJudge} as {@code multi-aspect}. */
public final class MultiAspectProvider implements JudgeProvider {

    @Override
    public String name() {
        return "multi-aspect";
    }

    @Override
    public String description() {
        return "UltraFeedback ratings 1-5 for instruction following, honesty, truthfulness, helpfulness; score = their mean";
    }

    @Override
    public Kind kind() {
        return Kind.JUDGE;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(CommonParameters.NAME,
                new JudgeParameter("aspects", "aspects to rate, a list or comma-separated",
                        "instruction_following,honesty,truthfulness,helpfulness"),
                CommonParameters.TEMPERATURE, CommonParameters.ATTEMPTS,
                new JudgeParameter("max-tokens", "cap on the judge's reply length in tokens", "1536"));
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        JudgeSettings s = JudgeSettings.of(config, parameters(), name());
        Set<Aspect> aspects = EnumSet.noneOf(Aspect.class);
        for (String a : s.list("aspects")) {
            try {
                aspects.add(Aspect.of(a));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(s.where() + ": setting 'aspects': " + e.getMessage(), e);
            }
        }
        if (aspects.isEmpty()) throw new IllegalArgumentException(s.where() + ": setting 'aspects' names no aspect");
        return MultiAspectJudge.builder(s.model(config))
                .name(CommonParameters.nameOrNull(s))
                .promptDir(config.promptDir())
                .aspects(aspects)
                .temperature(s.number("temperature"))
                .attempts(s.positiveInt("attempts"))
                .maxTokens(s.positiveInt("max-tokens"))
                .build();
    }
}
