package dev.distillery.judges.verify;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.List;
import java.util.Locale;

/** Registers {@link MatchVerifier} as {@code match}. */
public final class MatchVerifierProvider implements JudgeProvider {
    @Override
    public String name() {
        return "match";
    }

    @Override
    public String description() {
        return "Exact or normalised string match of the response against the reference or accepted answers";
    }

    @Override
    public Kind kind() {
        return Kind.VERIFIER;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(
                new JudgeParameter("normalisation", "exact | normalised | squad", "normalised"),
                new JudgeParameter("contains", "pass when the answer occurs inside the response", "false"),
                new JudgeParameter("accepted", "fixed list of accepted answers instead of each item's reference", ""));
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        VerifierSettings s = VerifierSettings.of(config, parameters());
        String mode = s.choice("normalisation", "normalised", List.of("exact", "normalised", "squad"));
        return new MatchVerifier(MatchVerifier.Normalisation.valueOf(mode.toUpperCase(Locale.ROOT)),
                s.bool("contains", false), s.strings("accepted"));
    }
}
