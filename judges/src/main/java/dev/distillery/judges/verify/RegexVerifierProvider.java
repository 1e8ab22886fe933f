package dev.distillery.judges.verify;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Registers {@link RegexVerifier} as {@code regex}. */
public final class RegexVerifierProvider implements JudgeProvider {
    private static final Map<String, Integer> FLAGS = Map.of(
            "case_insensitive", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE,
            "multiline", Pattern.MULTILINE,
            "dotall", Pattern.DOTALL,
            "comments", Pattern.COMMENTS);

    @Override
    public String name() {
        return "regex";
    }

    @Override
    public String description() {
        return "Response matches (or, negated, does not match) a Java regular expression";
    }

    @Override
    public Kind kind() {
        return Kind.VERIFIER;
    }

    @Override
    public List<JudgeParameter> parameters() {
        return List.of(
                new JudgeParameter("pattern", "java.util.regex expression", null),
                new JudgeParameter("full_match", "the whole response must match", "false"),
                new JudgeParameter("negate", "pass when there is no match", "false"),
                new JudgeParameter("flags", "list of case_insensitive | multiline | dotall | comments", "[]"));
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        VerifierSettings s = VerifierSettings.of(config, parameters());
        String pattern = s.string("pattern", null);
        if (pattern == null) throw s.error("pattern", "is required");
        int flags = 0;
        for (String f : s.strings("flags")) {
            Integer bit = FLAGS.get(f);
            if (bit == null) throw s.error("flags", "unknown flag '" + f + "'" + DidYouMean.hint(f, FLAGS.keySet()));
            flags |= bit;
        }
        try {
            return new RegexVerifier(Pattern.compile(pattern, flags), s.bool("full_match", false), s.bool("negate", false));
        } catch (PatternSyntaxException e) {
            throw s.error("pattern", "invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }
}
