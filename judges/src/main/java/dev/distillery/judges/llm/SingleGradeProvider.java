package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.List;

/** Registers {@link SingleGradeJudge} as {@code single-grade}. */
public final class SingleGradeProvider implements JudgeProvider {

    @Override
    public String name() {
        return "single-grade";
    }

    @Override
    public String description() {
        return "MT-Bench single-answer grading 1-10 ('Rating: [[n]]'), reference-guided when the record has a reference";
    }

    @Override
    public Kind kind() {
        return Kind.JUDGE;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(CommonParameters.NAME, CommonParameters.REFERENCE, CommonParameters.TEMPERATURE,
                CommonParameters.ATTEMPTS, CommonParameters.MAX_TOKENS);
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        JudgeSettings s = JudgeSettings.of(config, parameters(), name());
        return SingleGradeJudge.builder(s.model(config))
                .name(CommonParameters.nameOrNull(s))
                .promptDir(config.promptDir())
                .referenceMode(s.choice("reference", ReferenceMode.class))
                .temperature(s.number("temperature"))
                .attempts(s.positiveInt("attempts"))
                .maxTokens(s.positiveInt("max-tokens"))
                .build();
    }
}
