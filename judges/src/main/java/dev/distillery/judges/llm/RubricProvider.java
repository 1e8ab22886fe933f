package dev.distillery.judges.llm;

import dev.distillery.judges.JudgeSettings;
import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.List;

/** Registers {@link RubricJudge} as {@code rubric}. */
public final class RubricProvider implements JudgeProvider {

    @Override
    public String name() {
        return "rubric";
    }

    @Override
    public String description() {
        return "Prometheus-style rubric grading 1-5 ('[RESULT] n') against a built-in or user YAML rubric";
    }

    @Override
    public Kind kind() {
        return Kind.JUDGE;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(CommonParameters.NAME,
                new JudgeParameter("rubric", "a built-in rubric (" + String.join(", ", Rubric.BUILT_IN.stream().sorted().toList())
                        + ") or the path of a YAML rubric file (criterion, score1..score5), looked up in the prompt directory first", "helpfulness"),
                CommonParameters.REFERENCE, CommonParameters.TEMPERATURE, CommonParameters.ATTEMPTS,
                CommonParameters.MAX_TOKENS);
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        JudgeSettings s = JudgeSettings.of(config, parameters(), name());
        Rubric rubric;
        try {
            String value = s.string("rubric");
            // A relative rubric path is looked up in the prompt directory first: rubrics are edited next to prompts.
            java.nio.file.Path besidePrompts = config.promptDir() == null || Rubric.BUILT_IN.contains(value)
                    ? null : config.promptDir().resolve(value);
            rubric = besidePrompts != null && java.nio.file.Files.isRegularFile(besidePrompts)
                    ? Rubric.load(besidePrompts) : Rubric.resolve(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.where() + ": setting 'rubric': " + e.getMessage(), e);
        }
        return RubricJudge.builder(s.model(config), rubric)
                .name(CommonParameters.nameOrNull(s))
                .promptDir(config.promptDir())
                .referenceMode(s.choice("reference", ReferenceMode.class))
                .temperature(s.number("temperature"))
                .attempts(s.positiveInt("attempts"))
                .maxTokens(s.positiveInt("max-tokens"))
                .build();
    }
}
