package dev.distillery.judges.verify;

import dev.distillery.judges.spi.Judge;
import dev.distillery.judges.spi.JudgeConfig;
import dev.distillery.judges.spi.JudgeParameter;
import dev.distillery.judges.spi.JudgeProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers {@link InstructionVerifier} as {@code instructions}. Every setting except {@code from_reference} is a
 * constraint, e.g. {@code {max_words: 100, forbidden_words: [very], case: lower}}.
 */
public final class InstructionVerifierProvider implements JudgeProvider {
    private static final String FROM_REFERENCE = "from_reference";

    @Override
    public String name() {
        return "instructions";
    }

    @Override
    public String description() {
        return "IFEval-style constraints: word/sentence/paragraph limits, keywords, forbidden words, bullets, JSON, case";
    }

    @Override
    public Kind kind() {
        return Kind.VERIFIER;
    }

    @Override
    public java.util.Map<String, Object> exampleSettings() {
        return java.util.Map.of("max_words", 100, "forbidden_words", List.of("lorem"));
    }

    @Override
    public List<JudgeParameter> parameters() {
        List<JudgeParameter> out = new ArrayList<>();
        out.add(new JudgeParameter(FROM_REFERENCE, "also read constraints from each item's reference (a JSON object)", "false"));
        for (String n : InstructionConstraints.names()) out.add(new JudgeParameter(n, "constraint, see docs/verifiers.md", ""));
        return List.copyOf(out);
    }

    @Override
    public Judge createJudge(JudgeConfig config) {
        String source = config.source() == null ? "judge config" : config.source();
        try {
            Map<String, Object> constraints = new LinkedHashMap<>(VerifierSettings.canonical(config.settings(), source));
            Object from = constraints.remove(FROM_REFERENCE);
            if (from != null && !(from instanceof Boolean) && !from.toString().matches("(?i)true|false")) {
                throw new IllegalArgumentException("setting '" + FROM_REFERENCE + "': expected true or false, got " + from);
            }
            // Unknown names go through InstructionConstraints for a did-you-mean over constraint names.
            List<InstructionConstraints.Constraint> parsed = InstructionConstraints.parseAll(constraints);
            boolean fromReference = from != null && Boolean.parseBoolean(from.toString());
            return new InstructionVerifier(parsed, fromReference);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
