package dev.distillery.judges.verify;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.List;
import java.util.Locale;

/** Registers {@link NumericVerifier} as {@code numeric}. */
public final class NumericVerifierProvider implements JudgeProvider {
    private static final List<String> FORMATS = List.of("auto", "gsm8k", "boxed", "last_number");

    @Override
    public String name() {
        return "numeric";
    }

    @Override
    public String description() {
        return "Final numeric answer vs reference: GSM8K '#### n' or last number, MATH \\boxed{}, with tolerance";
    }

    @Override
    public Kind kind() {
        return Kind.VERIFIER;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(
                new JudgeParameter("format", "where the answer is: auto | gsm8k | boxed | last_number", "auto"),
                new JudgeParameter("abs_tolerance", "pass when |answer - reference| <= this (or the relative bound)", "1e-6"),
                new JudgeParameter("rel_tolerance", "pass when |answer - reference| <= this * |reference|", "1e-9"),
                new JudgeParameter("reference", "a fixed reference answer instead of each item's reference", ""));
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        VerifierSettings s = VerifierSettings.of(config, parameters());
        String format = s.choice("format", "auto", FORMATS);
        try {
            return NumericVerifier.builder()
                    .format(NumericVerifier.AnswerFormat.valueOf(format.toUpperCase(Locale.ROOT)))
                    .absTolerance(s.number("abs_tolerance", 1e-6))
                    .relTolerance(s.number("rel_tolerance", 1e-9))
                    .reference(s.string("reference", null))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.source() + ": " + e.getMessage(), e);
        }
    }
}
